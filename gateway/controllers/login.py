"""Signing in and out with a name and password from the access file (or through an OpenID provider,
controllers/oidc.py); the session is a signed cookie."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Controller, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.observability.requests import client_address
from gateway.responses import page_origin
from gateway.security.grants import AccessConfig, Principal
from gateway.security.id_tokens import ProviderKeys
from gateway.security.oidc import Discovery, OidcProvider, SignInFailed, end_session_url
from gateway.security.records import StateStore
from gateway.security.sessions import new_session, read_session, session_cookie
from gateway.security.throttle import SignInThrottle
from gateway.settings import Settings
from gateway.types import AnyRequest


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only, never another site (an open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def login_page(target: str, notice: str | None, name: str = "", status_code: int = 200, **headers: str) -> Template:
    context = {"next": target, "notice": notice, "name": name}
    return Template("pages/login.html", context=context, status_code=status_code, headers=headers)


class LoginController(Controller):
    include_in_schema = False
    opt = {"public": True}

    @get("/login", name="login")
    async def form(self, next: FromQuery[str] = "/") -> Template:
        return login_page(safe_next(next), None)

    @post("/login", name="login_submit", status_code=200)
    async def submit(self, request: AnyRequest) -> Response[Any]:
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        target = safe_next(str(form.get("next", "/")))
        throttle: SignInThrottle = request.app.state.throttle
        address = client_address(request.scope)
        wait = throttle.wait_seconds(name, address)
        if wait:
            notice = f"Too many failed sign-ins: try again in {wait} seconds."
            return login_page(target, notice, name, 429, **{"Retry-After": str(wait)})
        access = request.app.state.access
        if access is not None and not access.passwords:
            return login_page(target, "Sign in with one of the providers below: passwords are off here.", name, 403)
        user = access.users.get(name) if access is not None and name != "*" else None
        if not await throttle.password_matches(password, user.password if user is not None else None) or not user:
            throttle.failed(name, address)
            return login_page(target, "Wrong name or password.", name, 401)
        return session_started(request.app.state.settings, user, target)

    @post("/logout", name="logout", status_code=303)
    async def logout(self, request: AnyRequest) -> Redirect:
        """End the session in the store, so a copy of the cookie stops working too, then drop the cookie; a session
        from a provider goes on to the provider's sign-out, where it has one."""
        settings = request.app.state.settings
        cookie = request.cookies.get(session_cookie(settings))
        session = read_session(settings.secret_key, cookie) if cookie else None
        records: StateStore | None = request.app.state.records
        if session is not None and records is not None:
            await records.end_session(session.session_id, session.expires)
        target = "/login"
        if session is not None and session.provider:
            target = await provider_sign_out(request, session.provider) or target
        response = Redirect(target, status_code=303)
        response.delete_cookie(session_cookie(settings))
        return response


async def provider_sign_out(request: AnyRequest, name: str) -> str | None:
    """The provider's end-session URL, coming back to the login page; None when it has none or does not answer."""
    found = provider_named(request, name)
    if found is None:
        return None
    try:
        async with httpx.AsyncClient() as client:
            metadata = await found[1].get(client)
    except SignInFailed:
        return None
    return end_session_url(metadata, found[0], page_origin(request) + "/login")


def provider_named(request: AnyRequest, name: str) -> tuple[OidcProvider, Discovery, ProviderKeys] | None:
    """The [oidc.NAME] provider with this process's copies of its metadata and keys; None if there is none."""
    access: AccessConfig | None = request.app.state.access
    provider = access.providers.get(name) if access is not None else None
    if provider is None:
        return None
    caches: dict[str, tuple[Discovery, ProviderKeys]] = request.app.state.oidc
    discovery, keys = caches.setdefault(name, (Discovery(provider), ProviderKeys(provider)))
    return provider, discovery, keys


def session_started(settings: Settings, user: Principal, target: str, provider: str = "") -> Redirect:
    """On to `target`, signed in as `user` (with a password, or through `provider`)."""
    response = Redirect(target, status_code=303)
    response.set_cookie(
        session_cookie(settings),
        new_session(settings.secret_key, user, settings.session_seconds, provider),
        max_age=settings.session_seconds,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return response

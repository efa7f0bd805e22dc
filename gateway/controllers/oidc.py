"""Signing in through an OpenID provider: /login/oidc/NAME sends the browser there with a fresh state, nonce and
PKCE challenge (kept in a signed cookie), and /login/oidc/NAME/callback redeems the code, checks the ID token and
starts the same session a password would (security/oidc.py, security/id_tokens.py)."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from gateway.controllers.login import login_page, provider_named, safe_next, session_started
from gateway.responses import page_origin
from gateway.security.grants import AccessConfig
from gateway.security.id_tokens import ProviderKeys, key_id, verified_claims
from gateway.security.oidc import (
    FLOW_SECONDS,
    Discovery,
    Flow,
    OidcProvider,
    SignInFailed,
    authorization_url,
    fetch_json,
    redeem,
)
from gateway.security.sessions import cookie_name
from gateway.security.tokens import same
from gateway.settings import Settings
from gateway.types import AnyRequest

NOT_STARTED_HERE = "This sign-in was not started here, or took longer than 10 minutes: start again."


def flow_cookie(settings: Settings) -> str:
    return cookie_name(settings, "s3m_oidc")


def callback_url(request: AnyRequest, provider: str) -> str:
    """The redirect URI the provider must have registered for this gateway."""
    return f"{page_origin(request)}/login/oidc/{provider}/callback"


def groups_of(claims: dict[str, Any], provider: OidcProvider) -> tuple[str, ...]:
    """The groups claim as a tuple of names: a list, or one string (some providers send a lone group so)."""
    said = claims.get(provider.groups_claim)
    if isinstance(said, str):
        return (said,)
    return tuple(str(g) for g in said if isinstance(g, str | int)) if isinstance(said, list) else ()


class OidcController(Controller):
    path = "/login/oidc/{provider:str}"
    include_in_schema = False
    opt = {"public": True}

    @get("/", name="oidc_start")
    async def start(self, request: AnyRequest, provider: FromPath[str], next: FromQuery[str] = "/") -> Response[Any]:
        found = provider_named(request, provider)
        if found is None:
            return login_page(
                safe_next(next), f"There is no sign-in provider named {provider!r} here.", status_code=404
            )
        settings: Settings = request.app.state.settings
        flow = Flow.start(provider, safe_next(next))
        try:
            async with httpx.AsyncClient() as client:
                metadata = await found[1].get(client)
        except SignInFailed as exc:
            return login_page(flow.next, str(exc), status_code=exc.status_code)
        response = Redirect(authorization_url(metadata, found[0], flow, callback_url(request, provider)))
        response.set_cookie(
            flow_cookie(settings),
            flow.sealed(settings.secret_key),
            max_age=FLOW_SECONDS,
            httponly=True,
            secure=settings.secure_cookies,
            samesite="lax",  # the provider's redirect back is a top-level GET from its site: lax cookies go with it
        )
        return response

    @get("/callback", name="oidc_callback")
    async def callback(
        self,
        request: AnyRequest,
        provider: FromPath[str],
        code: FromQuery[str | None] = None,
        returned_state: Annotated[str | None, QueryParameter(name="state")] = None,  # `state` is Litestar's name
        error: FromQuery[str | None] = None,
        error_description: FromQuery[str | None] = None,
    ) -> Response[Any]:
        settings: Settings = request.app.state.settings
        cookie = request.cookies.get(flow_cookie(settings))
        flow = Flow.opened(settings.secret_key, cookie) if cookie else None
        found = provider_named(request, provider)
        if found is None or flow is None or flow.provider != provider or not same(returned_state or "", flow.state):
            return without_flow(login_page("/", NOT_STARTED_HERE, status_code=400), settings)
        if error or not code:
            said = error_description or error or "no code came back"
            return without_flow(
                login_page(flow.next, f"{found[0].label} did not sign you in: {said}.", status_code=401), settings
            )
        try:
            claims = await signed_in_claims(request, found, flow, code)
        except SignInFailed as exc:
            return without_flow(login_page(flow.next, str(exc), status_code=exc.status_code), settings)
        name = claims.get(found[0].user_claim)
        if not isinstance(name, str) or not name:
            said = f"The ID token names no user (no {found[0].user_claim!r} claim)."
            return without_flow(login_page(flow.next, said, status_code=401), settings)
        access: AccessConfig = request.app.state.access
        user = access.member(name, "oidc", groups_of(claims, found[0]))
        if user is None or not user.grants:
            said = f"Signed in as {name}, but no grant allows anything here: ask whoever runs this gateway."
            return without_flow(login_page(flow.next, said, status_code=403), settings)
        return without_flow(session_started(settings, user, flow.next, provider), settings)


async def signed_in_claims(
    request: AnyRequest, found: tuple[OidcProvider, Discovery, ProviderKeys], flow: Flow, code: str
) -> dict[str, Any]:
    """Redeem the code and check the ID token it brings. A provider that keeps the ID token lean (as the standard
    asks) gives the user's name and groups at its userinfo endpoint: they are taken from there, for the same `sub`."""
    provider, discovery, keys = found
    async with httpx.AsyncClient() as client:
        metadata = await discovery.get(client)
        tokens = await redeem(client, metadata, provider, flow, code, callback_url(request, provider.name))
        id_token = tokens["id_token"]
        key_set = await keys.for_token(client, metadata["jwks_uri"], key_id(id_token))
        claims = verified_claims(id_token, key_set, provider, flow.nonce)
        missing = {provider.user_claim, provider.groups_claim} - set(claims)
        userinfo = metadata.get("userinfo_endpoint")
        if missing and userinfo and isinstance(tokens.get("access_token"), str):
            bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
            said = await fetch_json(client, provider, "GET", userinfo, headers=bearer)
            if said.get("sub") == claims.get("sub"):
                claims.update({name: said[name] for name in missing if name in said})
    return claims


def without_flow(response: Response[Any], settings: Settings) -> Response[Any]:
    """The answer, with the flow's cookie gone: a state is good for one callback only."""
    response.delete_cookie(flow_cookie(settings))
    return response

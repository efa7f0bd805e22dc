"""Signing in and out with a name and password from the access file; the session is a signed cookie."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.access import password_matches
from gateway.auth import SESSION_COOKIE, session_cookie_value


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only, never another site (an open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


class LoginController(Controller):
    include_in_schema = False
    opt = {"public": True}

    @get("/login", name="login")
    async def form(self, next: FromQuery[str] = "/") -> Template:
        return Template("pages/login.html", context={"next": safe_next(next), "notice": None})

    @post("/login", name="login_submit", status_code=200)
    async def submit(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        target = safe_next(str(form.get("next", "/")))
        access = request.app.state.access
        user = access.users.get(name) if access is not None and name != "*" else None
        if not password_matches(password, user.password if user is not None else None) or user is None:
            context = {"next": target, "notice": "Wrong name or password.", "name": name}
            return Template("pages/login.html", context=context, status_code=401)
        settings = request.app.state.settings
        response = Redirect(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_cookie_value(settings.secret_key, user, settings.session_seconds),
            max_age=settings.session_seconds,
            httponly=True,
            secure=settings.secure_cookies,
            samesite="lax",
        )
        return response

    @post("/logout", name="logout", status_code=303)
    async def logout(self) -> Redirect:
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

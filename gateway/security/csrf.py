"""Cross-site request forgery: a change must come from the gateway's own pages, for the session that loaded them.

Three checks on every request that can change something (any method but GET, HEAD and OPTIONS):
- the browser's `Sec-Fetch-Site` and `Origin` headers, when sent, must name this origin: a page on another port or
  subdomain (the store's, on the same *site*) is refused even before its token is read;
- the token (the `x-csrftoken` header or the `_csrf_token` form field) must be the HMAC of the session id, or of
  the visitor id for someone not signed in: a token minted for another session, or for an anonymous visit, fails.
  Each page gets it under a fresh mask (tokens.masked_mac), since pages are compressed;
- a cookie of ours sent twice is refused on every request: that is what planting one from a neighbour looks like.

The JSON routes (/api/, /s3/) take JSON bodies only, which no cross-site form can send, and programs call them
with bearer tokens and no cookies: they keep the origin check and skip the token, as does any request that carries
a bearer token.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any, cast
from urllib.parse import urlsplit

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.security.sessions import read_session, session_cookie, visitor_cookie
from gateway.security.tokens import masked_mac, same_masked_mac
from gateway.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_EXEMPT = ("/api/", "/s3/")
HEADER = "x-csrftoken"
FIELD = "_csrf_token"
BINDING = "s3m_csrf_binding"  # scope key: the session or visitor id this request's tokens are bound to
NEW_VISITOR = "s3m_new_visitor"  # scope key: a visitor id made for this response, to be set as a cookie


def cookies_of(headers: Iterable[tuple[bytes, bytes]], names: tuple[str, ...]) -> dict[str, str]:
    """Our cookies from the raw Cookie headers; HTTPException 400 when one of them is sent twice."""
    found: dict[str, str] = {}
    for name, value in headers:
        if name != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, _, content = pair.strip().partition("=")
            if key in names:
                if key in found:
                    raise HTTPException(
                        status_code=400,
                        detail=f"The cookie {key} was sent twice, which is how a cookie planted by another site looks: "
                        "clear this site's cookies and sign in again.",
                    )
                found[key] = content
    return found


def same_origin(scope: Scope, secure: bool) -> bool:
    """False when the browser says the request comes from another origin (another port or host is enough).

    The gateway's own origin is its Host, or the X-Forwarded-Host of a proxy that rewrote Host (nginx's default):
    no cross-site form can add that header, and a script would need a CORS preflight, which the gateway never grants.
    """
    names = (b"origin", b"sec-fetch-site", b"host", b"x-forwarded-host")
    headers = {k: v for k, v in scope["headers"] if k in names}
    site = headers.get(b"sec-fetch-site")
    if site is not None and site not in (b"same-origin", b"none"):
        return False
    origin = headers.get(b"origin")
    if origin is None:
        return True
    parts = urlsplit(origin.decode("latin-1"))
    if secure and parts.scheme != "https":
        return False
    ours = {headers.get(b"host", b""), headers.get(b"x-forwarded-host", b"").split(b",")[0].strip()} - {b""}
    return parts.scheme in ("http", "https") and parts.netloc.encode("latin-1") in ours


def bearer(scope: Scope) -> bool:
    """An API token, which browsers never attach by themselves; the guard refuses a wrong one and never falls back
    to the cookies (gateway/security/auth.py), so such a request needs no CSRF token."""
    return any(k == b"authorization" and v[:7].lower() == b"bearer " for k, v in scope["headers"])


def csrf_token(context: Mapping[str, Any]) -> str:
    """The token for this request's session (template callable); a visitor without one gets a visitor id now."""
    request = context["request"]
    scope, secret = request.scope, request.app.state.settings.secret_key
    binding = scope.get(BINDING)
    if binding is None:
        binding = scope[NEW_VISITOR] = scope[BINDING] = secrets.token_urlsafe(16)
    return masked_mac(secret, "csrf", binding)


class CsrfGuard:
    """Litestar middleware doing the checks above, and setting the visitor cookie when a page made a visitor id."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.names = (session_cookie(settings), visitor_cookie(settings))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        cookies = cookies_of(scope["headers"], self.names)
        session = read_session(self.settings.secret_key, cookies.get(self.names[0], ""))
        binding = session.session_id if session is not None else cookies.get(self.names[1]) or None
        cast(dict[str, Any], scope)[BINDING] = binding
        if scope["method"] not in SAFE_METHODS:
            if not same_origin(scope, self.settings.secure_cookies):
                raise PermissionDeniedException("CSRF check failed: the request came from another origin.")
            if not scope["path"].startswith(TOKEN_EXEMPT) and not bearer(scope):
                await self.check_token(scope, receive)
        await self.app(scope, receive, self.with_visitor_cookie(scope, send))

    async def check_token(self, scope: Scope, receive: Receive) -> None:
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        given = request.headers.get(HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            given = (await request.form()).get(FIELD)  # parsed once: the handler reads it again from the scope
        binding = cast(dict[str, Any], scope).get(BINDING)
        if (
            not isinstance(given, str)
            or binding is None
            or not same_masked_mac(given, self.settings.secret_key, "csrf", binding)
        ):
            raise PermissionDeniedException("CSRF token missing or not this session's.")

    def with_visitor_cookie(self, scope: Scope, send: Send) -> Send:
        async def send_wrapper(message: Message) -> None:
            visitor = cast(dict[str, Any], scope).get(NEW_VISITOR)
            if message["type"] == "http.response.start" and visitor:
                secure = "; Secure" if self.settings.secure_cookies else ""
                cookie = f"{self.names[1]}={visitor}; Path=/; HttpOnly; SameSite=Strict{secure}"
                message = {**message, "headers": [*message.get("headers", ()), (b"set-cookie", cookie.encode())]}
            await send(message)

        return send_wrapper

"""Who is asking (an API token, a session cookie from the login page, or a trusted reverse proxy's header), and
whether they may: the checks each handler makes before it acts or signs.

Stateless, so any replica can answer: a session is a cookie signed with S3M_SECRET_KEY and the user's password hash
(changing the password ends every session of that user), and it carries its own expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from gateway.access import ANONYMOUS, AccessConfig, Principal, check, token_digest
from gateway.errors import AccessDenied, NotAuthenticated
from gateway.models import Bucket
from gateway.observe import client_address
from gateway.storage import S3Storage

SESSION_COOKIE = "s3m_session"


def _signature(secret: str, principal: Principal, payload: str) -> str:
    key = hashlib.sha256(f"{secret}\0{principal.password}".encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def session_cookie_value(secret: str, principal: Principal, lifetime: int) -> str:
    payload = base64.urlsafe_b64encode(f"{principal.name}\0{int(time.time()) + lifetime}".encode()).decode()
    return f"{payload}.{_signature(secret, principal, payload)}"


def session_user(secret: str, access: AccessConfig, cookie: str) -> Principal | None:
    """The user a session cookie names, if it is ours, unexpired, and the user still exists with that password."""
    payload, _, signature = cookie.partition(".")
    try:
        name, _, expires = base64.urlsafe_b64decode(payload).decode().partition("\0")
        alive = int(expires) > time.time()
    except (ValueError, UnicodeDecodeError):
        return None
    user = access.users.get(name)
    if not alive or user is None or user.password is None:
        return None
    return user if hmac.compare_digest(signature, _signature(secret, user, payload)) else None


def identify(connection: ASGIConnection[Any, Any, Any, Any], access: AccessConfig, secret: str) -> Principal | None:
    """The principal behind a request, or None. A token that is sent must be right: it never falls back."""
    authorization = connection.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return access.tokens.get(token_digest(authorization[7:].strip()))
    cookie = connection.cookies.get(SESSION_COOKIE)
    if cookie:
        user = session_user(secret, access, cookie)
        if user is not None:
            return user
    name = connection.headers.get(access.proxy_user_header)
    if name and access.trusts(client_address(connection.scope)):
        return access.proxy_user(name)
    return None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard on every route but the public ones (health, static files, login) when an access file is configured:
    set `scope["user"]` or refuse. Async: Litestar would run a sync guard in a thread."""
    if handler.opt.get("public"):
        return
    access: AccessConfig = connection.app.state.access
    principal = identify(connection, access, connection.app.state.settings.secret_key)
    if principal is None:
        raise NotAuthenticated("Sign in first, or send a valid API token (Authorization: Bearer ...).")
    connection.scope["user"] = principal


def principal_of(request: Request[Any, Any, Any]) -> Principal:
    """Who the guard said is asking; ANONYMOUS when there is no access file, and so no guard."""
    principal: Principal = request.scope.get("user") or ANONYMOUS
    return principal


def allow(request: Request[Any, Any, Any], action: str, bucket: str, key: str = "") -> Principal:
    """Refuse (403, in words) unless the caller may do `action` on `key` in `bucket`; the caller otherwise."""
    principal = principal_of(request)
    check(principal, request.app.state.read_only, action, bucket, key)
    return principal


def allow_listing(request: Request[Any, Any, Any], bucket: str, prefix: str) -> Principal:
    """Refuse a prefix the caller may neither list nor walk through to one it may list."""
    principal = principal_of(request)
    if not principal.may_list(bucket, prefix):
        raise AccessDenied(f"{principal.name} may not list {bucket}/{prefix}.")
    return principal


def lifetime_cap(request: Request[Any, Any, Any]) -> int:
    """The longest a URL signed for this caller may live: the gateway's cap, or the caller's if lower."""
    cap: int = request.app.state.settings.max_url_expires
    own = principal_of(request).max_expires
    return min(cap, own) if own else cap


def default_lifetime(request: Request[Any, Any, Any]) -> int:
    """The lifetime of the URLs the explorer and Uppy's routes hand out, within the caller's cap."""
    default: int = request.app.state.settings.url_expires
    own = principal_of(request).max_expires
    return min(default, own) if own else default


def upload_size_cap(request: Request[Any, Any, Any]) -> int:
    cap: int = request.app.state.settings.max_upload_size
    own = principal_of(request).max_upload_size
    return min(cap, own) if own else cap


async def visible_buckets(request: Request[Any, Any, Any], storage: S3Storage) -> list[Bucket]:
    """The buckets the caller may see: the configured list (for credentials without ListAllMyBuckets) or the
    store's, less those outside the caller's grants."""
    access = request.app.state.access
    if access is not None and access.buckets is not None:
        buckets = [Bucket(name=name, created=None) for name in access.buckets]
    else:
        buckets = await storage.list_buckets()
    principal = principal_of(request)
    return [b for b in buckets if principal.sees_bucket(b.name)]

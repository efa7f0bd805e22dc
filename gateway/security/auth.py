"""Who is asking (an API token, a session cookie from the login page, or a trusted reverse proxy's header), and
whether they may: the checks each handler makes before it acts or signs.

Stateless, so any replica can answer: a session is a signed cookie (gateway/security/sessions.py); the only state, the
sessions ended by signing out, lives in the store (gateway/security/records.py).
"""

from __future__ import annotations

from litestar.handlers import BaseRouteHandler

from gateway.errors import AccessDenied, BadRequest, NotAuthenticated
from gateway.models import Bucket
from gateway.observability.requests import peer_address
from gateway.s3 import S3Storage
from gateway.security.grants import ANONYMOUS, AccessConfig, Principal, check, token_digest
from gateway.security.records import StateStore
from gateway.security.sessions import read_session, session_cookie, session_user
from gateway.stores import store_of
from gateway.types import AnyConnection, AnyRequest


def header_once(connection: AnyConnection, name: str) -> str | None:
    """A header that must not be sent twice: two values of the proxy's user header mean someone added one."""
    values = connection.headers.getall(name, [])
    if len(values) > 1:
        raise BadRequest(f"The header {name} was sent more than once.")
    return values[0] if values else None


async def identify(connection: AnyConnection, access: AccessConfig) -> Principal | None:
    """The principal behind a request, or None. A token that is sent must be right: it never falls back."""
    authorization = connection.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return access.tokens.get(token_digest(authorization[7:].strip()))
    settings = connection.app.state.settings
    cookie = connection.cookies.get(session_cookie(settings))
    session = read_session(settings.secret_key, cookie) if cookie else None
    if session is not None:
        user = session_user(settings.secret_key, access, session)
        state: StateStore | None = connection.app.state.records
        if user is not None and (state is None or not await state.session_ended(session.session_id)):
            return user
    name = header_once(connection, access.proxy_user_header)
    if name and access.trusts(peer_address(connection.scope)):
        return access.proxy_user(name, proxy_groups(connection, access))
    return None


def proxy_groups(connection: AnyConnection, access: AccessConfig) -> tuple[str, ...]:
    """The groups a trusted proxy names in its groups header (when the file names one), without blanks."""
    said = header_once(connection, access.proxy_groups_header) if access.proxy_groups_header else None
    return tuple(g.strip() for g in (said or "").split(access.proxy_groups_separator) if g.strip())


async def authenticate(connection: AnyConnection, handler: BaseRouteHandler) -> None:
    """Guard on every route but the public ones (health, static files, login) when an access file is configured:
    set `scope["user"]` or refuse. Async: Litestar would run a sync guard in a thread."""
    if handler.opt.get("public"):
        return
    access: AccessConfig = connection.app.state.access
    principal = await identify(connection, access)
    if principal is None:
        raise NotAuthenticated("Sign in first, or send a valid API token (Authorization: Bearer ...).")
    connection.scope["user"] = principal


def principal_of(request: AnyRequest) -> Principal:
    """Who the guard said is asking (ANONYMOUS when there is no access file, and so no guard), with the grants of
    the store the request is for: every check made with it is a check in that store."""
    return signed_in(request).in_store(store_of(request.scope))


def signed_in(connection: AnyConnection) -> Principal:
    """Who the guard said is asking, with all their grants: which stores they may see."""
    principal: Principal = connection.scope.get("user") or ANONYMOUS
    return principal


def refuse_state(request: AnyRequest, bucket: str, key: str) -> None:
    """The gateway's own records (S3M_STATE_S3_URL) are out of every grant: a user who could write them could
    bring back an ended session or a revoked link."""
    state: StateStore | None = request.app.state.records
    if state is not None and state.storage.name == store_of(request.scope) and state.holds(bucket, key):
        raise AccessDenied(f"{bucket}/{key} holds the gateway's own records: no grant reaches it.")


def allow(request: AnyRequest, action: str, bucket: str, key: str = "") -> Principal:
    """Refuse (403, in words) unless the caller may do `action` on `key` in `bucket`; the caller otherwise."""
    principal = principal_of(request)
    check(principal, request.app.state.read_only, action, bucket, key)
    refuse_state(request, bucket, key)
    return principal


def allow_listing(request: AnyRequest, bucket: str, prefix: str) -> Principal:
    """Refuse a prefix the caller may neither list nor walk through to one it may list."""
    principal = principal_of(request)
    if not principal.may_list(bucket, prefix):
        raise AccessDenied(f"{principal.name} may not list {bucket}/{prefix}.")
    refuse_state(request, bucket, prefix)
    return principal


def visible_stores(request: AnyRequest) -> list[str]:
    """The names of the stores the caller holds a grant in, the default one first."""
    principal = signed_in(request)
    return [name for name in request.app.state.stores if principal.sees_store(name)]


def capped(gateway_cap: int, own: int | None) -> int:
    """The lower of the gateway's cap and the principal's own, when it has one."""
    return min(gateway_cap, own) if own else gateway_cap


def lifetime_cap(request: AnyRequest) -> int:
    """The longest a URL signed for this caller may live: the gateway's cap, or the caller's if lower."""
    return capped(request.app.state.settings.max_url_expires, principal_of(request).max_expires)


def default_lifetime(request: AnyRequest) -> int:
    """The lifetime of the URLs the explorer and Uppy's routes hand out, within the caller's cap."""
    return capped(request.app.state.settings.url_expires, principal_of(request).max_expires)


def upload_size_cap(request: AnyRequest) -> int:
    """The largest object this caller may upload, on every upload path."""
    return capped(request.app.state.settings.max_upload_size, principal_of(request).max_upload_size)


def own_upload_cap(request: AnyRequest) -> int | None:
    """The caller's own size cap, when the access file gives one: then every upload must declare its size."""
    return principal_of(request).max_upload_size


async def visible_buckets(request: AnyRequest, storage: S3Storage) -> list[Bucket]:
    """The buckets of `storage` the caller may see: the configured list (for credentials without ListAllMyBuckets)
    or the store's, less those outside the caller's grants in that store (a copy's form lists another store's)."""
    if storage.buckets is not None:
        buckets = [Bucket(name=name, created=None) for name in storage.buckets]
    else:
        buckets = await storage.list_buckets()
    principal, records = signed_in(request).in_store(storage.name), request.app.state.records
    own = records is not None and not records.prefix and records.storage.name == storage.name
    hidden = records.bucket if own else None  # the gateway's own bucket
    return [b for b in buckets if principal.sees_bucket(b.name) and b.name != hidden]

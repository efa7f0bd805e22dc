"""Around every HTTP request: a request id, the headers every response carries, one access log line, and the
request metrics.

It wraps Litestar's whole ASGI handler rather than sitting in its middleware list, because route middleware
never sees the requests no route matched (404s, 405s), and those belong in the log and the counts too.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import re
from collections.abc import Callable
from functools import lru_cache
from time import perf_counter
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from gateway.observability.logs import log_event, request_id
from gateway.observability.metrics import HTTP_REQUESTS, in_flight

log = logging.getLogger("gateway.access")

REQUEST_ID_HEADER = b"x-request-id"
# What we accept from a client or proxy: an id made for logs, not a way to write into them.
ACCEPTED_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
# Probed every few seconds by load balancers and scrapers: logged at debug unless they fail.
QUIET_ROUTES = frozenset({"healthz", "readyz", "metrics"})
# Paths that carry a bearer secret: whoever reads the log must not be able to use it.
SECRET_PATH = re.compile(r"^((?:/store/[^/]*)?/s/)[^/]*")  # a share link, of any store
CLIENT = "s3m_client"  # scope key: the client's address, as the trusted proxies tell it


def incoming_request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a plain token, so one id follows a request across services; else new."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and ACCEPTED_REQUEST_ID.fullmatch(value):
            return value.decode()
    return f"{random.getrandbits(128):032x}"  # unique enough for logs; os.urandom costs a system call


class RequestObserver:
    """ASGI wrapper: sets the request id for everything logged while serving, returns it with `headers` (the
    security headers), then logs and counts."""

    def __init__(
        self, app: ASGIApp, headers: list[tuple[bytes, bytes]], trusts: Callable[[str | None], bool] | None = None
    ) -> None:
        self.app, self.headers, self.trusts = app, headers, trusts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        rid = incoming_request_id(scope)
        token = request_id.set(rid)
        if self.trusts is not None:
            cast(dict[str, Any], scope)[CLIENT] = forwarded_client(scope, self.trusts)
        path, status, started = scope["path"], 500, perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                own = message.get("headers", ())
                present = {name.lower() for name, _ in own}  # a route's own choice (/s/: no-referrer) wins
                extra = [h for h in self.headers if h[0] not in present]
                headers = [*own, *extra, (REQUEST_ID_HEADER, rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        in_flight.now += 1
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            in_flight.now -= 1
            elapsed = perf_counter() - started
            handler = scope.get("route_handler")
            route = (handler.name if handler is not None else None) or "unmatched"
            _series(route, status).observe(elapsed)
            level = logging.DEBUG if route in QUIET_ROUTES and status < 400 else logging.INFO
            if log.isEnabledFor(level):
                log_event(log, level, "request", access_fields(scope, route, path, status, elapsed))
            request_id.reset(token)


@lru_cache(maxsize=1024)
def _series(route: str, status: int) -> Any:
    """The labelled histogram, looked up once per (route, status): `labels()` costs more than the observation."""
    return HTTP_REQUESTS.labels(route, str(status))


def access_fields(scope: HTTPScope, route: str, path: str, status: int, elapsed: float) -> dict[str, Any]:
    """What an access line says: never the query string, where a client could put a token or a whole presigned URL
    (its signature is a credential). What was done to which key is the audit trail's job."""
    return {
        "method": scope["method"],
        "route": route,
        "path": redacted(path),
        "status": status,
        "duration_ms": round(elapsed * 1000, 2),
        "client": client_address(scope),
        "user": user_name(scope),
    }


def user_name(scope: Scope) -> str | None:
    """Who was signed in or held the token (gateway/security/auth.py), once the request got that far."""
    principal = scope.get("user")
    return principal.name if principal is not None and principal.kind != "anonymous" else None


def redacted(path: str) -> str:
    """The path as logs may show it: a share link's token (a credential anyone can use) replaced."""
    return SECRET_PATH.sub(r"\1[redacted]", path)


def peer_address(scope: Scope) -> str | None:
    """The address of the connection's other end: a reverse proxy's, when there is one."""
    client = scope.get("client")
    return client[0] if client else None


def client_address(scope: Scope) -> str | None:
    """Who is asking, for logs, audit events and the sign-in throttle: behind a trusted proxy, the client it
    names; otherwise the peer."""
    client: str | None = cast(dict[str, Any], scope).get(CLIENT)
    return client or peer_address(scope)


def forwarded_client(scope: Scope, trusts: Callable[[str | None], bool]) -> str | None:
    """The client a chain of trusted proxies reports: the rightmost hop of X-Forwarded-For (or Forwarded) that is
    not itself a trusted proxy. Anyone can write the left part of the header, so it is never believed."""
    peer = peer_address(scope)
    if not trusts(peer):
        return peer
    hops: list[str] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            hops += [h.strip() for h in value.decode("latin-1").split(",")]
        elif name == b"forwarded":
            hops += [f[4:].strip('"') for part in value.decode("latin-1").split(",") for f in part.strip().split(";")
                     if f.lower().startswith("for=")]  # fmt: skip
    found = peer
    for hop in reversed([_address(h) for h in hops]):
        if hop is None:
            return found  # a hop we cannot read: do not guess past it
        found = hop
        if not trusts(hop):
            return hop
    return found  # proxies all the way: the farthest one is as near to the client as anyone can tell


def _address(hop: str) -> str | None:
    """An address from a hop as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:80`, `2001:db8::1`."""
    host = hop[1:].partition("]")[0] if hop.startswith("[") else hop
    if host.count(":") == 1:
        host = host.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None

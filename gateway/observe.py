"""Around every HTTP request: a request id, the headers every response carries, one access log line, and the
request metrics.

It wraps Litestar's whole ASGI handler rather than sitting in its middleware list, because route middleware
never sees the requests no route matched (404s, 405s), and those belong in the log and the counts too.
"""

from __future__ import annotations

import logging
import random
import re
from functools import lru_cache
from time import perf_counter
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logs import log_event, request_id
from gateway.metrics import HTTP_REQUESTS, in_flight

log = logging.getLogger("gateway.access")

REQUEST_ID_HEADER = b"x-request-id"
# What we accept from a client or proxy: an id made for logs, not a way to write into them.
ACCEPTED_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
# Probed every few seconds by load balancers and scrapers: logged at debug unless they fail.
QUIET_ROUTES = frozenset({"healthz", "readyz", "metrics"})


def incoming_request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a plain token, so one id follows a request across services; else new."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and ACCEPTED_REQUEST_ID.fullmatch(value):
            return value.decode()
    return f"{random.getrandbits(128):032x}"  # unique enough for logs; os.urandom costs a system call


class RequestObserver:
    """ASGI wrapper: sets the request id for everything logged while serving, returns it with `headers` (the
    security headers), then logs and counts."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app, self.headers = app, headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = incoming_request_id(scope)
        token = request_id.set(rid)
        path, status, started = scope["path"], 500, perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", ()), *self.headers, (REQUEST_ID_HEADER, rid.encode())]
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


def access_fields(scope: Scope, route: str, path: str, status: int, elapsed: float) -> dict[str, Any]:
    """What an access line says: never the query string, where a client could put a token or a whole presigned URL
    (its signature is a credential). What was done to which key is the audit trail's job."""
    return {
        "method": scope["method"],
        "route": route,
        "path": path,
        "status": status,
        "duration_ms": round(elapsed * 1000, 2),
        "client": client_address(scope),
        "user": user_name(scope),
    }


def user_name(scope: Scope) -> str | None:
    """Who was signed in or held the token (gateway/auth.py), once the request got that far."""
    principal = scope.get("user")
    return principal.name if principal is not None and principal.kind != "anonymous" else None


def client_address(scope: Scope) -> str | None:
    """The peer's address. Behind a reverse proxy that is the proxy's, until trusted proxies can be configured."""
    client = scope.get("client")
    return client[0] if client else None

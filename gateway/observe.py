"""Around every HTTP request: a request id, one access log line, and the request metrics.

It wraps Litestar's whole ASGI handler rather than sitting in its middleware list, because route middleware
never sees the requests no route matched (404s, 405s), and those belong in the log and the counts too.
"""

from __future__ import annotations

import logging
import os
import re
from time import perf_counter
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logs import request_id
from gateway.metrics import HTTP_LATENCY, HTTP_REQUESTS, IN_FLIGHT

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
    return os.urandom(16).hex()


class RequestObserver:
    """ASGI wrapper: sets the request id for everything logged while serving, returns it, then logs and counts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                message = {**message, "headers": [*message.get("headers", ()), (REQUEST_ID_HEADER, rid.encode())]}
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            IN_FLIGHT.dec()
            elapsed = perf_counter() - started
            handler = scope.get("route_handler")
            route = (handler.name if handler is not None else None) or "unmatched"
            HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()
            HTTP_LATENCY.labels(route).observe(elapsed)
            level = logging.DEBUG if route in QUIET_ROUTES and status < 400 else logging.INFO
            if log.isEnabledFor(level):
                log.log(level, "request", extra={"fields": access_fields(scope, route, path, status, elapsed)})
            request_id.reset(token)


def access_fields(scope: Scope, route: str, path: str, status: int, elapsed: float) -> dict[str, Any]:
    """What an access line says: never the query string, where a client could put a token or a whole presigned URL
    (its signature is a credential). What was done to which key is the audit trail's job."""
    client = scope.get("client")
    return {
        "method": scope["method"],
        "route": route,
        "path": path,
        "status": status,
        "duration_ms": round(elapsed * 1000, 2),
        "client": client[0] if client else None,
    }

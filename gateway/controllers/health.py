"""Liveness and readiness, for container health checks and load balancers."""

from __future__ import annotations

import logging

from litestar import MediaType, Response, get
from litestar.di import NamedDependency

from gateway.errors import GatewayError
from gateway.s3 import S3Storage
from gateway.security.headers import SAME_SITE_WARNING, store_shares_site
from gateway.types import AnyRequest

log = logging.getLogger("gateway")


@get(
    "/healthz",
    name="healthz",
    media_type=MediaType.TEXT,
    include_in_schema=False,
    sync_to_thread=False,
    opt={"public": True},
)
def healthz() -> str:
    """Alive: answers without touching the store, so a slow store never gets the gateway restarted."""
    return "ok"


@get("/readyz", name="readyz", media_type=MediaType.TEXT, include_in_schema=False, opt={"public": True})
async def readyz(request: AnyRequest, storage: NamedDependency[S3Storage]) -> Response[str]:
    """Ready when the store answers within about two seconds, else 503. Anyone may ask, so the answer says only
    that: the reason (which names the internal endpoint) goes to the log."""
    warning = ""
    if store_shares_site(storage.settings, request.headers.get("host")):
        warning = f"\nwarning: {SAME_SITE_WARNING}"
    try:
        await storage.ping()
    except GatewayError as exc:
        log.warning("not ready", extra={"fields": {"reason": exc.message}})
        return Response("not ready" + warning, status_code=503, media_type=MediaType.TEXT)
    return Response("ready" + warning, media_type=MediaType.TEXT)

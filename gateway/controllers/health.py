"""Liveness and readiness, for container health checks and load balancers."""

from __future__ import annotations

import asyncio
import logging

from litestar import MediaType, Response, get

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
async def readyz(request: AnyRequest) -> Response[str]:
    """Ready when a store answers within about two seconds, else 503; with several stores, a line says which answer
    (one store down leaves the others served, so the gateway stays in rotation). Anyone may ask, so the answer says
    only that: the reasons (which name the internal endpoints) go to the log."""
    stores: dict[str, S3Storage] = request.app.state.stores
    host = request.headers.get("host")
    warning = ""
    if any(store_shares_site(storage.settings, host) for storage in stores.values()):
        warning = f"\nwarning: {SAME_SITE_WARNING}"
    troubles = dict(zip(stores, await asyncio.gather(*(s.trouble() for s in stores.values())), strict=True))
    for name, reason in troubles.items():
        if reason is not None:
            log.warning("not ready", extra={"fields": {"store": name, "reason": reason}})
    down = [name for name, reason in troubles.items() if reason is not None]
    lines = [f"{name}: {'not ready' if name in down else 'ready'}" for name in stores] if len(stores) > 1 else []
    if len(down) == len(stores):
        return Response("\n".join(["not ready", *lines]) + warning, status_code=503, media_type=MediaType.TEXT)
    return Response("\n".join(["partly ready" if down else "ready", *lines]) + warning)

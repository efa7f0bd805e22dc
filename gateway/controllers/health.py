"""Liveness and readiness, for container health checks and load balancers."""

from __future__ import annotations

from litestar import MediaType, Response, get
from litestar.di import NamedDependency

from gateway.errors import GatewayError
from gateway.storage import S3Storage


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
async def readyz(storage: NamedDependency[S3Storage]) -> Response[str]:
    """Ready when the store answers within about two seconds; 503 with the reason when not."""
    try:
        await storage.ping()
    except GatewayError as exc:
        return Response(f"not ready: {exc.message}", status_code=503, media_type=MediaType.TEXT)
    return Response("ready", media_type=MediaType.TEXT)

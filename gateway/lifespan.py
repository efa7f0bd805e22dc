"""Per-worker resources: made when a worker starts, closed when it stops."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from gateway.storage import S3Storage


@asynccontextmanager
async def storage_lifespan(app: Litestar) -> AsyncIterator[None]:
    """One set of boto3 clients per worker process: clients are thread-safe but must not cross processes."""
    app.state.storage = S3Storage(app.state.settings)
    try:
        yield
    finally:
        app.state.storage.close()

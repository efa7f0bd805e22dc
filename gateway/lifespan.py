"""Per-worker resources: made when a worker starts, closed when it stops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import anyio.to_thread
from litestar import Litestar

from gateway.observability.audit import AuditUploader
from gateway.observability.logs import flush_logs
from gateway.observability.metrics import in_flight, worker_stopping
from gateway.rules.keys import check_bucket_name, parse_s3_url
from gateway.s3 import S3Storage, connect
from gateway.security.records import StateStore
from gateway.security.throttle import SignInThrottle
from gateway.settings import Settings


async def warn_of_troubles(stores: Iterable[S3Storage]) -> None:
    """Probe each store once at start, at the same time: one that does not answer, or refuses the credentials, is
    named in the log with why. The gateway still serves the others, and this one as soon as it answers."""
    checked = list(stores)
    for storage, reason in zip(checked, await asyncio.gather(*(s.trouble() for s in checked)), strict=True):
        if reason is not None:
            logging.getLogger("gateway").warning(
                f"store {storage.name} is not usable yet", extra={"fields": {"store": storage.name, "reason": reason}}
            )


@asynccontextmanager
async def storage_lifespan(app: Litestar) -> AsyncIterator[None]:
    """One set of boto3 clients per store and worker process: clients are thread-safe but must not cross
    processes. The gateway's own records and audit batches go to the default store."""
    settings: Settings = app.state.settings
    app.state.stores = {config.name: connect(config) for config in app.state.store_configs}
    storage = next(iter(app.state.stores.values()))
    await warn_of_troubles(app.state.stores.values())
    app.state.records = None
    app.state.throttle = SignInThrottle()  # here, in the worker's event loop, where its limiter belongs
    if settings.state_url:
        bucket, prefix = parse_s3_url(settings.state_url)
        app.state.records = StateStore(storage, check_bucket_name(bucket), prefix)
    uploader = None
    if settings.audit_url:
        bucket, prefix = parse_s3_url(settings.audit_url)
        uploader = AuditUploader(storage, check_bucket_name(bucket), prefix, settings.audit_flush_seconds)
        logging.getLogger("gateway.audit").addHandler(uploader)
    in_flight.publish_every_second()
    try:
        yield
    finally:
        if uploader is not None:
            logging.getLogger("gateway.audit").removeHandler(uploader)
            await anyio.to_thread.run_sync(uploader.close)  # writes the last batch
        for each in app.state.stores.values():
            each.close()
        worker_stopping()
        flush_logs()

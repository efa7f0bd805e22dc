"""The audit trail: one event for every action that changes the store or hands out a credential.

Events go to the "gateway.audit" logger, so whatever ships the gateway's logs ships them too. With
S3M_AUDIT_S3_URL they are also appended to the store as JSON lines, in batches, so the gateway keeps no file.
An event names the action, its outcome, who asked from where, and what it touched; never a URL or a signature.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from gateway.errors import GatewayError
from gateway.observability.logs import JsonFormatter, log_event, request_id
from gateway.observability.metrics import AUDIT_EVENTS
from gateway.observability.requests import client_address, user_name
from gateway.s3 import S3Storage
from gateway.stores import store_of
from gateway.types import AnyRequest

log = logging.getLogger("gateway.audit")

BATCH_LINES = 1000  # an object at least this often, whatever the flush interval
MAX_WAITING = 100_000  # events kept while the store refuses batches; the oldest go first beyond this


def record(request: AnyRequest, action: str, outcome: str, **fields: Any) -> None:
    """Write one event now. `fields` are what the action touched: bucket, key, method, expires, counts."""
    _counter(action, outcome).inc()
    scope = request.scope
    event = {
        "outcome": outcome,
        "user": user_name(scope),
        "client": client_address(scope),
        "request_id": request_id.get(),
        "store": store_of(scope),
        **fields,
    }
    log_event(log, logging.INFO, action, event)


@lru_cache(maxsize=256)
def _counter(action: str, outcome: str) -> Any:
    return AUDIT_EVENTS.labels(action, outcome)


def presigned(request: AnyRequest, method: str, bucket: str, key: str, expires: int, **fields: Any) -> None:
    """A presigned URL was handed out: a credential, so it is audited, without the URL itself."""
    record(request, "presign", "ok", method=method, bucket=bucket, key=key, expires=expires, **fields)


@contextmanager
def audited(request: AnyRequest, action: str, **fields: Any) -> Iterator[dict[str, Any]]:
    """Record `action` when the block ends: "ok" (or the "outcome" the block sets), "refused" for a 4xx, "failed"
    otherwise, with the status and reason (over any field of the same name); the error still propagates. The block
    may add fields to the dict it gets."""
    event = dict(fields)
    try:
        yield event
    except GatewayError as exc:
        outcome = "refused" if exc.status_code < 500 else "failed"
        record(request, action, outcome, **{**event, "status": exc.status_code, "reason": exc.message})
        raise
    except Exception:
        record(request, action, "failed", **{**event, "status": 500, "reason": "unexpected error"})
        raise
    record(request, action, event.pop("outcome", "ok"), **event)


class AuditUploader(logging.Handler):
    """Appends audit events to s3://bucket/prefix as JSON-lines objects, one per batch, named by time, host and
    process so replicas never collide. A thread writes a batch every `flush_seconds`, or at BATCH_LINES events,
    and the rest when the worker stops. A worker killed outright loses its last batch; the log stream has it."""

    def __init__(self, storage: S3Storage, bucket: str, prefix: str, flush_seconds: float) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(JsonFormatter())
        self.storage, self.bucket, self.prefix, self.flush_seconds = storage, bucket, prefix, flush_seconds
        self.stem = f"{socket.gethostname()}-{os.getpid()}-{os.urandom(3).hex()}"
        self.sequence = 0
        self.waiting: list[str] = []
        self.guard = threading.Lock()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="audit-uploader", daemon=True)
        self.thread.start()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        with self.guard:
            self.waiting.append(line)
            if len(self.waiting) > MAX_WAITING:
                del self.waiting[: len(self.waiting) - MAX_WAITING]
            full = len(self.waiting) >= BATCH_LINES
        if full:
            self.wake.set()

    def close(self) -> None:
        self.stopping = True
        self.wake.set()
        self.thread.join(timeout=30)
        super().close()

    def _run(self) -> None:
        while not self.stopping:
            self.wake.wait(self.flush_seconds)
            self.wake.clear()
            self.write_batch()
        self.write_batch()

    def write_batch(self) -> None:
        with self.guard:
            batch, self.waiting = self.waiting, []
        if not batch:
            return
        self.sequence += 1
        key = f"{self.prefix}{datetime.now(UTC):%Y/%m/%d/%H%M%S}-{self.stem}-{self.sequence:06d}.jsonl"
        try:
            self.storage.write(self.bucket, key, ("\n".join(batch) + "\n").encode(), "application/x-ndjson")
        except GatewayError as exc:
            with self.guard:
                self.waiting[:0] = batch  # keep them, in order, for the next attempt
            logging.getLogger("gateway").warning(
                "audit batch not written", extra={"fields": {"events": len(batch), "reason": str(exc)}}
            )

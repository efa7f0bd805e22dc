"""Structured log lines: an event name plus fields, written as readable text or as one JSON object per line.

Every record goes through a queue to a writer thread, so a slow stderr (a full pipe, a busy log shipper) never
blocks the event loop. The request id is read when the record is made, in the request's own context.
"""

from __future__ import annotations

import atexit
import json
import logging
import logging.handlers
import queue
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being served, set by gateway.observe for everything that happens while serving it."""

_listener: logging.handlers.QueueListener | None = None


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The structured part of a record: what the caller passed as extra={"fields": {...}}, plus the request id."""
    fields: dict[str, Any] = {}
    if getattr(record, "request_id", None):
        fields["request_id"] = record.request_id
    fields.update(getattr(record, "fields", None) or {})
    return fields


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, pid, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "pid": record.process,
            **fields_of(record),
        }
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger event key=value ...`, values quoted when they hold spaces or quotes."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{k}={_text_value(v)}" for k, v in fields_of(record).items())
        line = f"{_timestamp(record)} {record.levelname} {record.name} {record.getMessage()} {pairs}".rstrip()
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if not text or any(c in text for c in ' "=\n\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class ContextQueueHandler(logging.handlers.QueueHandler):
    """Stamps the request id and renders the traceback in the caller's thread, then hands the record over."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.request_id = request_id.get()
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record


def configure_logging(log_format: str, level: str, stream: TextIO | None = None) -> None:
    """Send the "gateway" loggers (gateway.access, gateway.audit, ...) through one queue to `stream` (stderr).

    Called by every app the process creates (tests make many): the previous writer is stopped and replaced.
    """
    global _listener
    if _listener is not None:
        _listener.stop()
    writer = logging.StreamHandler(stream or sys.stderr)
    writer.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, writer)
    _listener.start()
    logger = logging.getLogger("gateway")
    logger.handlers[:] = [ContextQueueHandler(records)]
    logger.setLevel(level.upper())
    logger.propagate = False


@atexit.register
def _flush_at_exit() -> None:
    """Write what is still queued when the process ends (a worker stopping, the CLI returning)."""
    if _listener is not None:
        _listener.stop()

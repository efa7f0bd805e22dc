"""Structured log lines: an event name plus fields, written as readable text or as one JSON object per line.

Records are written by a thread of their own, in batches, so a slow stderr (a full pipe, a busy log shipper) never
blocks the event loop. The request id is read when the record is made, in the request's own context.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import threading
import time
from collections import deque
from contextvars import ContextVar
from typing import Any, TextIO

import msgspec

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being served, set by gateway.observe for everything that happens while serving it."""

NEEDS_QUOTES = re.compile(r'[\s"=]')
MAX_PENDING = 100_000  # records waiting for the writer; if stderr blocks for that long, the oldest go first

_writer: BatchWriter | None = None
_gateway = logging.getLogger("gateway")


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The structured part of a record: what the caller passed as extra={"fields": {...}}, plus the request id."""
    fields: dict[str, Any] = {}
    if rid := getattr(record, "request_id", None):
        fields["request_id"] = rid
    fields.update(getattr(record, "fields", None) or {})
    return fields


_second: tuple[int, str] = (0, "")


def _timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds; the part up to the second is made once a second."""
    global _second
    whole = int(created)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{int((created - whole) * 1000):03d}Z"


def _as_text(value: Any) -> str:
    return str(value)


_encode_json = msgspec.json.Encoder(enc_hook=_as_text).encode


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, pid, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "pid": record.process,
            **fields_of(record),
        }
        if record.exc_text:
            line["traceback"] = record.exc_text
        return _encode_json(line).decode()


class TextFormatter(logging.Formatter):
    """`time LEVEL logger event key=value ...`, values quoted when they hold spaces, quotes or '='; empty fields
    (None) left out."""

    def format(self, record: logging.LogRecord) -> str:
        pairs = " ".join(f"{k}={_text_value(v)}" for k, v in fields_of(record).items() if v is not None)
        line = f"{_timestamp(record.created)} {record.levelname} {record.name} {record.getMessage()} {pairs}".rstrip()
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


def _text_value(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else _encode_json(value).decode()
    if not text or NEEDS_QUOTES.search(text):
        return _encode_json(text).decode()
    return text


class BatchWriter(logging.Handler):
    """Takes records in the caller's thread, writes them from its own thread every `interval` seconds, in one write.

    A request pays for making its record and appending it to a deque: never for formatting, for a write to a
    slow pipe, nor for waking a thread (a wake-up per record halved the requests/s of the cheapest route). The
    request id and the traceback are taken in the caller's thread, the only place they exist.
    """

    def __init__(self, stream: TextIO, formatter: logging.Formatter, interval: float = 0.02) -> None:
        super().__init__()
        self.stream, self.interval = stream, interval
        self.setFormatter(formatter)
        self.pending: deque[logging.LogRecord] = deque(maxlen=MAX_PENDING)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self.thread.start()

    def emit(self, record: logging.LogRecord) -> None:
        record.request_id = request_id.get()
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.pending.append(record)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        super().close()

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.flush()
        self.flush()

    def flush(self) -> None:
        """Write what is pending now, from whichever thread asks (the lock keeps each batch whole and in order)."""
        with self.lock:  # type: ignore[union-attr]  # logging.Handler makes it in __init__
            lines = []
            while self.pending:
                lines.append(self.format(self.pending.popleft()))
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()


class Event:
    """What the formatters read from a LogRecord, and nothing else: an access line or an audit event is made once
    or twice per request, and a full LogRecord (twenty attributes, the caller's frame) costs more than the request's
    own work on the cheapest routes."""

    __slots__ = ("created", "exc_text", "fields", "levelname", "message", "name", "process", "request_id")

    def __init__(self, name: str, level: int, message: str, fields: dict[str, Any]) -> None:
        self.created, self.name, self.message, self.fields = time.time(), name, message, fields
        self.levelname = logging.getLevelName(level)
        self.process = os.getpid()
        self.request_id = request_id.get()
        self.exc_text = None

    def getMessage(self) -> str:  # LogRecord's name for it, so the formatters take either
        return self.message


def log_event(logger: logging.Logger, level: int, event: str, fields: dict[str, Any]) -> None:
    """Log `event` with `fields`. When the writer is the only handler that would see it, hand it a light Event;
    otherwise (a handler on the logger itself, such as the S3 audit sink or a test's) make a real LogRecord."""
    if not logger.isEnabledFor(level):
        return
    if _writer is not None and not logger.handlers and _gateway.handlers == [_writer]:
        _writer.pending.append(Event(logger.name, level, event, fields))  # type: ignore[arg-type]
    else:
        logger.handle(logger.makeRecord(logger.name, level, "", 0, event, (), None, extra={"fields": fields}))


def configure_logging(log_format: str, level: str, stream: TextIO | None = None) -> None:
    """Send the "gateway" loggers (gateway.access, gateway.audit, ...) to `stream` (stderr), through a BatchWriter.

    Called by every app the process creates (tests make many): the previous writer is stopped and replaced.
    """
    global _writer
    if _writer is not None:
        _writer.close()
    formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    _writer = BatchWriter(stream or sys.stderr, formatter)
    _gateway.handlers[:] = [_writer]
    _gateway.setLevel(level.upper())
    _gateway.propagate = False


def flush_logs() -> None:
    """Write the lines still pending. A worker calls it as it stops: granian's workers end with os._exit, which skips
    atexit, so the lines of the last 20 ms (the last requests before a stop) would be lost."""
    if _writer is not None:
        _writer.flush()


@atexit.register
def _flush_at_exit() -> None:
    """Write what is still pending when the process ends (a worker stopping, the CLI returning)."""
    if _writer is not None:
        _writer.close()

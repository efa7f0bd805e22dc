"""The two log formats: readable text with quoting where needed, and one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import re

from gateway.observability.logs import configure_logging, request_id


def logged(log_format: str, emit: object) -> list[str]:
    """Configure the gateway's logging into a buffer, run `emit`, and return the lines written."""
    out = io.StringIO()
    configure_logging(log_format, "info", out)
    token = request_id.set("rid-1")
    try:
        emit()  # type: ignore[operator]
    finally:
        request_id.reset(token)
    configure_logging("text", "info")  # stops the writer, after it has written everything queued
    return out.getvalue().splitlines()


def test_text_lines_quote_values_that_would_split_them() -> None:
    fields = {"key": 'a b="c"', "n": 3, "empty": "", "keys": ["x", "y"]}
    [line] = logged("text", lambda: logging.getLogger("gateway.audit").info("presign", extra={"fields": fields}))
    assert line.split(" ", 3)[1:3] == ["INFO", "gateway.audit"]
    assert line.endswith('presign request_id=rid-1 key="a b=\\"c\\"" n=3 empty="" keys="[\\"x\\",\\"y\\"]"')


def test_json_lines_carry_the_fields_the_request_id_and_the_traceback() -> None:
    def fail() -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("gateway").exception("unhandled error", extra={"fields": {"route": "browse"}})

    [line] = logged("json", fail)
    record = json.loads(line)
    assert record | {"level": "error", "logger": "gateway", "event": "unhandled error", "route": "browse"} == record
    assert record["request_id"] == "rid-1" and "ValueError: boom" in record["traceback"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])


def test_records_below_the_level_are_not_written() -> None:
    assert logged("json", lambda: logging.getLogger("gateway.access").debug("request")) == []

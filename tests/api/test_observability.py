"""Request ids, audit outcomes, the S3 audit sink and the /metrics switch, with the app in-process against moto."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import all_keys, new_bucket, put


@pytest.fixture(name="audit")
def fx_audit() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The audit events the app records during the test, as (action, fields)."""
    events: list[tuple[str, dict[str, Any]]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            events.append((record.getMessage(), dict(record.fields)))  # type: ignore[attr-defined]

    handler = Collect()
    logging.getLogger("gateway.audit").addHandler(handler)
    yield events
    logging.getLogger("gateway.audit").removeHandler(handler)


def test_a_plain_request_id_is_kept_and_anything_else_replaced(client: TestClient[Any]) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:01"}).headers["x-request-id"] == "lb-7f3a:01"
    for hostile in ("two words", "x" * 129, "id\u00e9".encode(), 'a"b', ""):
        given = client.get("/healthz", headers={"X-Request-ID": hostile}).headers["x-request-id"]
        assert given != hostile and len(given) == 32 and int(given, 16) >= 0
    first, second = (client.get("/healthz").headers["x-request-id"] for _ in range(2))
    assert first != second


def test_a_refused_action_is_audited_with_its_reason(
    client: TestClient[Any], s3: Any, bucket: str, audit: list[tuple[str, dict[str, Any]]]
) -> None:
    put(s3, bucket, "keep.txt")
    answer = client.post(f"/b/{bucket}/delete-bucket", headers={"X-Request-ID": "rm-bucket"})
    assert answer.status_code == 409
    action, fields = audit[-1]
    assert action == "bucket.delete"
    assert fields | {"outcome": "refused", "status": 409, "bucket": bucket, "request_id": "rm-bucket"} == fields
    assert "not empty" in fields["reason"]


def test_a_folder_delete_is_audited_with_its_count(
    client: TestClient[Any], s3: Any, bucket: str, audit: list[tuple[str, dict[str, Any]]]
) -> None:
    put(s3, bucket, "logs/a", "logs/b/c", "logs-keep")
    assert client.post(f"/b/{bucket}/delete-folder", data={"prefix": "logs/"}).status_code == 200
    assert audit[-1] == (
        "folder.delete",
        audit[-1][1] | {"outcome": "ok", "bucket": bucket, "prefix": "logs/", "deleted": 2},
    )
    assert all_keys(s3, bucket) == ["logs-keep"]


def test_multipart_steps_are_audited(
    client: TestClient[Any], bucket: str, audit: list[tuple[str, dict[str, Any]]]
) -> None:
    made = client.post(f"/api/v1/buckets/{bucket}/multipart/", json={"key": "big.bin"}).json()
    client.get(
        f"/api/v1/buckets/{bucket}/multipart/{made['upload_id']}/urls", params={"key": "big.bin", "parts": "1-3"}
    )
    client.delete(f"/api/v1/buckets/{bucket}/multipart/{made['upload_id']}", params={"key": "big.bin"})
    steps = [(action, fields["outcome"], fields.get("method"), fields.get("parts")) for action, fields in audit]
    assert steps == [
        ("upload.start", "ok", None, None),
        ("presign", "ok", "PUT", "1-3"),
        ("upload.abort", "ok", None, None),
    ]


class Refusals(logging.Handler):
    """Records the audit sink's refused batches (its warning), so a test waits for one instead of sleeping."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = threading.Event()
        self.events: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "audit batch not written":
            self.events.append(getattr(record, "fields", {})["events"])
            self.seen.set()


def test_audit_events_are_appended_to_the_store_in_batches(settings: Settings, s3: Any) -> None:
    """Events wait for the flush, are kept while the audit bucket is missing, and all arrive once it exists."""
    target = new_bucket(s3)
    audit_bucket = f"{target}-audit"
    audited = replace(settings, audit_url=f"s3://{audit_bucket}/events", audit_flush_seconds=0.2)
    app, refusals = create_app(audited), Refusals()  # the app sets the gateway's handlers: add ours after
    logging.getLogger("gateway").addHandler(refusals)
    with TestClient(app) as client:
        for n in range(3):
            assert client.post(f"/api/v1/buckets/{target}/presign/get", json={"key": f"k{n}"}).status_code == 200
        assert refusals.seen.wait(10), "no flush was refused, though the audit bucket does not exist yet"
        assert refusals.events[0] >= 3  # the three events were in it, and are kept
        s3.create_bucket(Bucket=audit_bucket)
        deadline = time.monotonic() + 10
        while not all_keys(s3, audit_bucket) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.post(f"/api/v1/buckets/{target}/presign/put", json={"key": "last"}).status_code == 200
    logging.getLogger("gateway").removeHandler(refusals)
    # leaving the block stopped the worker, which wrote its last batch
    objects = all_keys(s3, audit_bucket)
    assert objects and all(k.startswith("events/") and k.endswith(".jsonl") for k in objects)
    lines = [
        json.loads(line)
        for k in sorted(objects)
        for line in s3.get_object(Bucket=audit_bucket, Key=k)["Body"].read().decode().splitlines()
    ]
    assert [(e["event"], e["method"], e["key"]) for e in lines] == [
        ("presign", "GET", "k0"),
        ("presign", "GET", "k1"),
        ("presign", "GET", "k2"),
        ("presign", "PUT", "last"),
    ]
    assert all(e["logger"] == "gateway.audit" and e["bucket"] == target and e["request_id"] for e in lines)


def test_metrics_can_be_turned_off(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, metrics=False))) as client:
        assert client.get("/metrics").status_code == 404


def test_metrics_behind_a_token_refuse_anyone_without_it(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, metrics_token="scrape-me"))) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain; version=")
        assert "s3m_http_request_duration_seconds_count" in answer.text

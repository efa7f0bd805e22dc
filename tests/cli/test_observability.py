"""What an operator sees from `s3-manager serve` with two workers: JSON log lines, audit events, /metrics totals.

Real requests against moto's server: an upload through a presigned PUT, a download, a share link, a delete.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.cli.test_commands import running
from tests.conftest import CREDENTIALS, STATE_BUCKET, page_token, soup, web

FRESH_CONNECTIONS = httpx.Limits(max_keepalive_connections=0)  # a kept-alive connection sticks to one worker


def log_lines(log: Path, until: Any, limit: float = 10.0) -> list[dict[str, Any]]:
    """The JSON lines written so far, waiting until `until(lines)` holds: lines are written off the request path."""
    deadline = time.monotonic() + limit
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        if until(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def served_by(log: Path, rounds: int) -> set[int]:
    """The process ids of the workers that answered GET /api/v1, once the log holds all `rounds` of them."""
    lines = log_lines(log, lambda lines: sum(line.get("route") == "api_root" for line in lines) >= rounds)
    return {line["pid"] for line in lines if line.get("route") == "api_root"}


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a /metrics answer, parsed by prometheus_client's own parser."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_log_lines_and_audit_events_of_an_upload_download_share_and_delete(
    moto_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
    env["S3M_STATE_S3_URL"] = f"s3://{STATE_BUCKET}/observed/"
    log = tmp_path / "serve.log"
    key = f"reports/q3 {uuid.uuid4().hex[:6]}.txt"
    issued: list[str] = []  # every presigned URL handed out: none of their signatures may reach the log
    with running(["serve", "--workers", "2"], log, env) as url, httpx.Client(base_url=url) as client:
        client.headers["x-csrftoken"] = page_token(client)

        upload = client.post(
            f"/b/{bucket}/uploads",
            json={"prefix": "reports/", "files": [{"path": key.removeprefix("reports/"), "type": "text/plain"}]},
            headers={"X-Request-ID": "upload-1"},
        )
        target = upload.json()["uploads"][0]
        issued.append(target["url"])
        assert web.put(target["url"], content=b"quarterly", headers=target["headers"]).status_code == 200

        download = client.get(f"/b/{bucket}/download", params={"key": key}, headers={"X-Request-ID": "download-1"})
        assert download.status_code == 303
        issued.append(download.headers["location"])
        assert web.get(download.headers["location"]).content == b"quarterly"

        share = client.post(
            f"/api/v1/buckets/{bucket}/presign/get",
            json={"key": key, "expires": 600},
            headers={"X-Request-ID": "share-1"},
        )
        issued.append(share.json()["url"])
        assert web.get(share.json()["url"]).content == b"quarterly"

        made = client.post(
            f"/b/{bucket}/share",
            data={"key": key, "seconds": "3600", "kind": "gateway"},
            headers={"X-Request-ID": "link-1"},
        )
        link = urlsplit(str(soup(made.text).select_one("#share-url")["value"])).path
        opened = client.get(link, headers={"X-Request-ID": "open-1"})
        assert opened.status_code == 303
        assert opened.headers.get_list("referrer-policy") == ["no-referrer"]  # issue 14, item 14: one, the route's
        token = link.removeprefix("/s/")

        deleted = client.post(
            f"/b/{bucket}/delete", data={"prefix": "reports/", "key": key}, headers={"X-Request-ID": "delete-1"}
        )
        assert deleted.status_code == 303
        assert [r.headers["x-request-id"] for r in (upload, download, share)] == ["upload-1", "download-1", "share-1"]

        lines = log_lines(log, lambda lines: any(line.get("request_id") == "delete-1" for line in lines))

    text = log.read_text()
    for signed in issued:
        signature = re.search(r"X-Amz-Signature=([0-9a-f]{64})", signed)
        assert signature and signature.group(1) not in text
    assert "X-Amz-" not in text and CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in text
    assert token.split(".")[1] not in text and token.split(".")[0] not in text  # a share link is a bearer secret

    audit = {line["request_id"]: line for line in lines if line["logger"] == "gateway.audit"}
    expected = {
        "upload-1": {"event": "presign", "method": "PUT", "purpose": "upload", "expires": 3600},
        "download-1": {"event": "presign", "method": "GET", "purpose": "download", "expires": 3600},
        "share-1": {"event": "presign", "method": "GET", "expires": 600},
        "delete-1": {"event": "object.delete", "keys": [key], "deleted": 1},
    }
    for request_id, fields in expected.items():
        event = audit[request_id]
        assert event | fields == event, event
        assert (event["outcome"], event["client"], event["bucket"], event["level"]) == (
            "ok",
            "127.0.0.1",
            bucket,
            "info",
        )
        if event["event"] == "presign":
            assert event["key"] == key and "url" not in event

    access = {line["request_id"]: line for line in lines if line["logger"] == "gateway.access"}
    routes = {rid: (access[rid]["method"], access[rid]["route"], access[rid]["status"]) for rid in expected}
    assert routes == {
        "upload-1": ("POST", "upload_urls", 200),
        "download-1": ("GET", "download", 303),
        "share-1": ("POST", "api_presign_get", 200),
        "delete-1": ("POST", "objects_delete", 303),
    }
    assert (access["open-1"]["route"], access["open-1"]["path"]) == ("share_open", "/s/[redacted]")
    assert all(access[rid]["duration_ms"] > 0 and access[rid]["path"].startswith("/") for rid in expected)
    assert all("?" not in line["path"] for line in access.values())  # queries carry keys and tokens: never logged


def test_metrics_total_every_workers_requests(moto_endpoint: str, bucket: str, tmp_path: Path) -> None:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
    log = tmp_path / "serve.log"
    rounds = 0
    with (
        running(["serve", "--workers", "2"], log, env) as url,
        httpx.Client(base_url=url, limits=FRESH_CONNECTIONS) as client,
    ):
        before = samples(client.get("/metrics").text)
        # Rounds of 30 until both workers have served one: the kernel gives each connection to whichever worker
        # accepts first, and on a busy machine one worker can take a whole round.
        while len(served_by(log, rounds)) < 2 and rounds < 600:
            for n in range(rounds, rounds + 30):
                assert client.get("/api/v1").status_code == 200
                signed = client.post(f"/api/v1/buckets/{bucket}/presign/put", json={"key": f"k{n}"})
                assert signed.status_code == 200
            rounds += 30
        assert client.get("/nowhere").status_code == 404
        assert client.get(f"/b/{bucket}/download", params={"key": "absent"}).status_code == 404
        time.sleep(1.5)  # each worker publishes its in-flight count every second
        scrapes = [samples(client.get("/metrics").text) for _ in range(6)]  # answered by either worker

    assert len(served_by(log, rounds)) == 2, "both workers must have served, or this test proves nothing"

    def moved(after: dict[Any, float], name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    for after in scrapes:
        assert moved(after, "s3m_http_request_duration_seconds_count", route="api_root", status="200") == rounds
        assert moved(after, "s3m_http_request_duration_seconds_count", route="api_presign_put", status="200") == rounds
        assert moved(after, "s3m_http_request_duration_seconds_count", route="unmatched", status="404") == 1
        assert (
            moved(after, "s3m_http_request_duration_seconds_bucket", route="api_root", status="200", le="+Inf")
            == rounds
        )
        assert moved(after, "s3m_presigned_urls_total", method="PUT") == rounds
        assert moved(after, "s3m_audit_events_total", action="presign", outcome="ok") == rounds
        assert moved(after, "s3m_s3_requests_total", store="default", operation="HeadObject", outcome="404") == 1
        assert moved(after, "s3m_s3_request_duration_seconds_count", store="default", operation="HeadObject") == 1
        # The scrape itself is in flight, in whichever worker answers it. The other worker's count is at most a
        # second old: it may still include a scrape that worker answered just before.
        assert value(after, "s3m_http_requests_in_flight") in {1, 2}
    assert value(scrapes[0], "s3m_http_requests_in_flight") == 1


def test_the_last_requests_before_a_stop_are_logged(moto_endpoint: str, tmp_path: Path) -> None:
    """A worker writes its log lines every 20 ms and ends with os._exit (no atexit): the lines of the requests just
    before Ctrl-C were lost until the worker wrote them as it stopped."""
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
    log = tmp_path / "serve.log"
    with running(["serve"], log, env) as url:
        ids = [web.get(f"{url}/api/v1/buckets").headers["x-request-id"] for _ in range(3)]
    logged = {line["request_id"] for line in log_lines(log, lambda lines: False, limit=0)}
    assert set(ids) <= logged

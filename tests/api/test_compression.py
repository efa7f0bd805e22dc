"""Answers are compressed for the gateway's own pages and for programs, never for a request another site made the
browser send, and the CSRF token differs on every page (BREACH: gateway/security/compression.py)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import new_bucket, put, soup

HTMX = {"HX-Request": "true"}


@pytest.fixture(name="reports", scope="module")
def fx_reports(s3: Any) -> str:
    """A bucket of 100 keys for the module, written once: a page big enough to compress, which no test changes."""
    bucket = new_bucket(s3)
    put(s3, bucket, *(f"many/report-{n:03}.csv" for n in range(100)))
    return bucket


@pytest.mark.parametrize("path", ["/b/{bucket}?prefix=many/", "/static/js/app.js", "/static/css/app.css"])
def test_pages_and_static_files_come_compressed(client: TestClient[Any], reports: str, path: str) -> None:
    for site in (None, "same-origin", "none"):
        headers = {"Accept-Encoding": "gzip", **({"Sec-Fetch-Site": site} if site else {})}
        answer = client.get(path.format(bucket=reports), headers=headers)
        assert answer.status_code == 200 and answer.headers["content-encoding"] == "gzip", site
        assert int(answer.headers["content-length"]) < len(answer.content) / 2  # httpx undid the gzip


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_request_another_site_made_is_answered_uncompressed(client: TestClient[Any], reports: str, site: str) -> None:
    answer = client.get(f"/b/{reports}?prefix=many/", headers={"Accept-Encoding": "gzip", "Sec-Fetch-Site": site})
    assert answer.status_code == 200 and "content-encoding" not in answer.headers
    assert int(answer.headers["content-length"]) == len(answer.content)


def test_every_page_carries_a_differently_masked_token_and_each_is_accepted(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "a.txt", "b.txt")
    client.headers.pop("x-csrftoken")  # each form below sends its own page's token
    tokens = []
    for _ in range(3):
        page = soup(client.get(f"/b/{bucket}").text)
        tokens.append(page.select_one('meta[name="csrf-token"]')["content"])
    assert len(set(tokens)) == 3
    for key, token in zip(("a.txt", "b.txt"), tokens, strict=False):
        answer = client.post(f"/b/{bucket}/delete", data={"key": key, "_csrf_token": token}, headers=HTMX)
        assert answer.status_code == 200, answer.text
    forged = tokens[2][:-2] + ("AA" if tokens[2][-2:] != "AA" else "BB")
    refused = client.post(f"/b/{bucket}/delete", data={"key": "a.txt", "_csrf_token": forged}, headers=HTMX)
    assert refused.status_code == 403

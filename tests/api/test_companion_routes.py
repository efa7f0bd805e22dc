"""The /s3/ routes with the request and response shapes that Uppy's S3 plugin uses on a Companion server."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import all_keys, new_bucket, web

PART = 5 * 1024 * 1024


@pytest.fixture(name="bucket", scope="module")
def fx_bucket(s3: Any) -> str:
    """The module's upload target: one bucket, as a deployment has."""
    return new_bucket(s3)


@pytest.fixture(name="uppy_app", scope="module")
def fx_uppy_app(settings: Settings, bucket: str) -> Litestar:
    """The gateway with its upload target set to the bucket and a prefix, and metadata allowed to choose."""
    configured = dataclasses.replace(
        settings, upload_bucket=bucket, upload_prefix="uploads/", upload_target_from_metadata=True
    )
    return create_app(configured)


@pytest.fixture(name="uppy_client")
def fx_uppy_client(uppy_app: Litestar) -> Iterator[TestClient[Any]]:
    with TestClient(app=uppy_app) as client:
        yield client


def test_params_give_a_post_policy_for_the_configured_target(
    uppy_client: TestClient[Any], s3: Any, bucket: str
) -> None:
    answer = uppy_client.get("/s3/params", params={"filename": "a b.txt", "type": "text/plain", "metadata[name]": "x"})
    body = answer.json()
    assert (answer.status_code, body["method"], body["expires"]) == (200, "POST", 3600)
    assert body["fields"]["key"] == "uploads/a b.txt"
    assert body["fields"]["Content-Type"] == "text/plain"
    sent = web.post(body["url"], data=body["fields"], files={"file": ("a b.txt", b"hello", "text/plain")})
    assert sent.status_code == 201
    assert s3.get_object(Bucket=bucket, Key="uploads/a b.txt")["Body"].read() == b"hello"


def test_metadata_chooses_bucket_and_prefix_only_when_allowed(
    uppy_client: TestClient[Any], client: TestClient[Any], bucket: str
) -> None:
    chosen = uppy_client.get("/s3/params", params={"filename": "f", "metadata[prefix]": "elsewhere/"}).json()
    assert chosen["fields"]["key"] == "elsewhere/f"
    refused = client.get("/s3/params", params={"filename": "f", "metadata[bucket]": bucket})  # not configured
    assert refused.status_code == 400
    assert "S3M_UPLOAD_BUCKET" in refused.json()["message"]


def test_multipart_the_way_uppy_drives_it(uppy_client: TestClient[Any], s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(777)]
    created = uppy_client.post("/s3/multipart", json={"filename": "big.bin", "type": "", "metadata": {}}).json()
    assert created["key"] == "uploads/big.bin" and created["bucket"] == bucket
    upload_id, key = created["uploadId"], created["key"]
    etags = []
    for n, body in enumerate(parts, start=1):
        signed = uppy_client.get(f"/s3/multipart/{upload_id}/{n}", params={"key": key}).json()
        assert signed["expires"] == 3600
        etags.append(web.put(signed["url"], content=body, headers={"Content-Type": ""}).headers["etag"])
    listed = uppy_client.get(f"/s3/multipart/{upload_id}", params={"key": key}).json()
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, PART), (2, 777)]
    done = uppy_client.post(
        f"/s3/multipart/{upload_id}/complete",
        params={"key": key},
        json={"parts": [{"PartNumber": n, "ETag": e.strip('"')} for n, e in enumerate(etags, start=1)]},  # as v6
    )
    assert done.json() == {"location": f"{s3.meta.endpoint_url}/{bucket}/uploads/big.bin", "key": key, "bucket": bucket}
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"".join(parts)


def test_abort_answers_json_and_frees_the_upload(uppy_client: TestClient[Any], bucket: str) -> None:
    created = uppy_client.post("/s3/multipart", json={"filename": "gone.bin", "type": "x/y"}).json()
    answer = uppy_client.delete(f"/s3/multipart/{created['uploadId']}", params={"key": created["key"]})
    assert (answer.status_code, answer.json()) == (200, {})
    assert uppy_client.get(f"/s3/multipart/{created['uploadId']}", params={"key": created["key"]}).status_code == 404


def test_an_upload_id_only_works_for_its_own_key(uppy_client: TestClient[Any], s3: Any, bucket: str) -> None:
    created = uppy_client.post("/s3/multipart", json={"filename": "mine.bin"}).json()
    for handle, key in [
        (created["uploadId"], "uploads/other.bin"),  # right id, another key
        ("forged.id.value", created["key"]),
        ("nodots", created["key"]),
    ]:
        answer = uppy_client.get(f"/s3/multipart/{handle}/1", params={"key": key})
        assert answer.status_code == 400, handle
        assert "uploadId" in answer.json()["message"]
    assert {"uploads/mine.bin", "uploads/other.bin"}.isdisjoint(all_keys(s3, bucket, "uploads/"))


@pytest.mark.parametrize(
    ("method", "url", "body", "message"),
    [
        ("GET", "/s3/params", None, "missing required query parameter 'filename'"),
        ("POST", "/s3/multipart", {"type": "x"}, "invalid parameter"),
        ("POST", "/s3/multipart", {"filename": ""}, "filename"),
        ("GET", "/s3/multipart/x.y.z/notanumber", None, ""),
    ],
)
def test_bad_uppy_requests_get_json_errors(
    uppy_client: TestClient[Any], method: str, url: str, body: Any, message: str
) -> None:
    answer = uppy_client.request(method, url, json=body, params={"key": "k"} if "x.y.z" in url else None)
    assert 400 <= answer.status_code < 500
    assert message.lower() in answer.json()["message"].lower()


def test_the_uppy_page_targets_the_chosen_folder_only_when_allowed(
    uppy_client: TestClient[Any], client: TestClient[Any], bucket: str
) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(uppy_client.get("/uppy", params={"bucket": bucket, "prefix": "in/"}).text, "html.parser")
    target = page.select_one("#uppy")
    assert (target["data-bucket"], target["data-prefix"]) == (bucket, "in/")
    assert page.select_one('script[src$="uppy-5.2.4/uppy.min.js"]')
    explorer = BeautifulSoup(uppy_client.get(f"/b/{bucket}").text, "html.parser")
    assert explorer.find("a", string="Upload with Uppy")["href"] == f"/uppy?bucket={bucket}"
    unconfigured = BeautifulSoup(client.get("/uppy", params={"bucket": bucket}).text, "html.parser")
    assert unconfigured.select_one("#uppy") is None
    assert "S3M_UPLOAD_BUCKET" in unconfigured.select_one(".notice.error").text
    assert BeautifulSoup(client.get(f"/b/{bucket}").text, "html.parser").find("a", string="Upload with Uppy") is None

"""A caller capped at 1 MiB cannot store more on any upload path (issue 14, item 3), against stores that
check the signed Content-Length: a presigned PUT, part URLs of the JSON API, Uppy's parts, and the explorer's own
uploads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import token_digest
from gateway.settings import Settings
from tests.conftest import all_keys, new_bucket, web

TOKEN = "capped-token-0123456789"
MIB = 1024 * 1024
API = "/api/v1/buckets"


@pytest.fixture(name="capped_bucket", scope="module")
def fx_capped_bucket(store_s3: Any) -> str:
    return new_bucket(store_s3)


@pytest.fixture(name="capped_app", scope="module")
def fx_capped_app(store_settings: Settings, capped_bucket: str, tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """A token that may write anything in a bucket on the store, up to 1 MiB an object."""
    access = tmp_path_factory.mktemp("capped") / "access.toml"
    access.write_text(
        f'[tokens.capped]\nsha256 = "{token_digest(TOKEN)}"\nmax_upload_size = {MIB}\n'
        f'grants = [{{bucket = "{capped_bucket}", actions = ["list", "read", "write"]}}]\n'
    )
    return create_app(replace(store_settings, access_file=access, upload_bucket=capped_bucket))


@pytest.fixture(name="capped")
def fx_capped(capped_app: Litestar, capped_bucket: str) -> Iterator[tuple[TestClient[Any], str]]:
    """A client holding the capped token, and its bucket."""
    with TestClient(capped_app) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield client, capped_bucket


@pytest.mark.feature("signed Content-Length held to")
def test_a_presigned_put_signs_the_declared_size_and_the_store_holds_to_it(
    capped: tuple[TestClient[Any], str], store_s3: Any
) -> None:
    client, bucket = capped
    undeclared = client.post(f"{API}/{bucket}/presign/put", json={"key": "a.bin"})
    assert undeclared.status_code == 400 and "give each upload's size" in undeclared.json()["message"]
    over = client.post(f"{API}/{bucket}/presign/put", json={"key": "a.bin", "content_length": 3 * MIB})
    assert over.status_code == 400
    signed = client.post(f"{API}/{bucket}/presign/put", json={"key": "a.bin", "content_length": MIB}).json()
    assert signed["headers"]["Content-Length"] == str(MIB)
    assert web.put(signed["url"], content=b"x" * 3 * MIB).status_code == 403  # more than declared
    assert web.put(signed["url"], content=b"x" * MIB).status_code == 200
    assert store_s3.head_object(Bucket=bucket, Key="a.bin")["ContentLength"] == MIB


@pytest.mark.feature("signed Content-Length held to")
def test_api_part_urls_sign_each_parts_length(capped: tuple[TestClient[Any], str]) -> None:
    client, bucket = capped
    upload = client.post(f"{API}/{bucket}/multipart", json={"key": "m.bin"}).json()["upload_id"]
    urls = f"{API}/{bucket}/multipart/{upload}/urls"
    assert client.get(urls, params={"key": "m.bin", "parts": "1"}).status_code == 400  # no size declared
    too_big = client.get(urls, params={"key": "m.bin", "parts": "1", "size": 5 * MIB, "part_size": 5 * MIB})
    assert too_big.status_code == 400
    beyond = client.get(urls, params={"key": "m.bin", "parts": "1-2", "size": MIB, "part_size": 5 * MIB})
    assert beyond.status_code == 400 and "beyond the end" in beyond.json()["message"]
    one = client.get(urls, params={"key": "m.bin", "parts": "1", "size": MIB, "part_size": 5 * MIB}).json()
    assert web.put(one["urls"]["1"], content=b"x" * 5 * MIB).status_code == 403
    put = web.put(one["urls"]["1"], content=b"x" * MIB)
    assert put.status_code == 200
    parts = [{"part_number": 1, "etag": put.headers["etag"]}]
    done = client.post(f"{API}/{bucket}/multipart/{upload}/complete", params={"key": "m.bin"}, json={"parts": parts})
    assert done.status_code == 200, done.text


@pytest.mark.feature("upload cap checked at completion")
def test_an_uppy_upload_over_the_cap_is_refused_at_completion_and_aborted(
    capped: tuple[TestClient[Any], str], store_s3: Any
) -> None:
    client, bucket = capped
    created = client.post("/s3/multipart", json={"filename": "big.bin", "type": "application/octet-stream"}).json()
    handle, key = created["uploadId"], created["key"]
    assert client.get(f"/s3/multipart/{handle}/2", params={"key": key}).status_code == 400  # 1 MiB is one part
    part = client.get(f"/s3/multipart/{handle}/1", params={"key": key}).json()
    put = web.put(part["url"], content=b"x" * 5 * MIB)  # Uppy's part URLs cannot know the part's length
    assert put.status_code == 200
    parts = {"parts": [{"PartNumber": 1, "ETag": put.headers["etag"]}]}
    refused = client.post(f"/s3/multipart/{handle}/complete", params={"key": key}, json=parts)
    assert refused.status_code == 400 and "over your cap" in refused.json()["message"]
    assert key not in all_keys(store_s3, bucket)
    assert [u for u in store_s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) if u["Key"] == key] == []


@pytest.mark.feature("signed Content-Length held to")
def test_the_explorers_uploads_follow_the_same_cap(capped: tuple[TestClient[Any], str]) -> None:
    client, bucket = capped
    files = [{"path": "f.bin", "type": "application/octet-stream"}]
    assert client.post(f"/b/{bucket}/uploads", json={"files": files}).status_code == 400
    over = [{**files[0], "size": 2 * MIB}]
    assert client.post(f"/b/{bucket}/uploads", json={"files": over}).status_code == 400
    within = [{**files[0], "size": 10}]
    upload = client.post(f"/b/{bucket}/uploads", json={"files": within}).json()["uploads"][0]
    headers = upload["headers"]
    assert web.put(upload["url"], content=b"y" * 11, headers=headers).status_code == 403
    assert web.put(upload["url"], content=b"y" * 10, headers=headers).status_code == 200

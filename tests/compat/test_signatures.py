"""Against stores that check what moto accepts blindly: signatures, expiry, signed headers, POST policies.

Every kind of URL the gateway mints must work with a plain HTTP client, and every tampered one must be refused.
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace
from typing import Any

import pytest
from litestar.testing import TestClient

import gateway.s3.sigv4
from tests.conftest import all_keys, new_bucket, soup, web

API = "/api/v1/buckets"


def presign(client: TestClient[Any], bucket: str, kind: str, **body: Any) -> dict[str, Any]:
    answer = client.post(f"{API}/{bucket}/presign/{kind}", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def tamper(url: str) -> str:
    """Flip the signature's last hex digit."""
    head, _, signature = url.rpartition("X-Amz-Signature=")
    return f"{head}X-Amz-Signature={signature[:-1]}{'0' if signature[-1] != '0' else '1'}"


@pytest.mark.feature("presigned PUT, GET and POST")
def test_get_put_and_post_urls_work_with_a_plain_http_client(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    put = presign(store_client, bucket, "put", key="a/b c.txt", content_type="text/plain")
    assert web.put(put["url"], content=b"good", headers=put["headers"]).status_code == 200
    get = presign(store_client, bucket, "get", key="a/b c.txt")
    assert web.get(get["url"]).content == b"good"
    post = presign(store_client, bucket, "post", key="a/form.bin", max_size=10)
    assert web.post(post["url"], data=post["fields"], files={"file": ("f", b"12345")}).status_code == 201
    assert sorted(all_keys(store_s3, bucket)) == ["a/b c.txt", "a/form.bin"]
    assert store_s3.get_object(Bucket=bucket, Key="a/form.bin")["Body"].read() == b"12345"


@pytest.mark.feature("tampered URLs refused")
def test_tampered_put_and_get_urls_are_refused(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    put = presign(store_client, bucket, "put", key="a/b c.txt", content_type="text/plain")
    assert web.put(tamper(put["url"]), content=b"evil", headers=put["headers"]).status_code == 403
    store_s3.put_object(Bucket=bucket, Key="a/b c.txt", Body=b"good")
    get = presign(store_client, bucket, "get", key="a/b c.txt")
    refused = web.get(tamper(get["url"]))
    assert refused.status_code == 403 and "SignatureDoesNotMatch" in refused.text
    assert web.get(get["url"].replace("b%20c.txt", "other.txt")).status_code == 403
    assert store_s3.get_object(Bucket=bucket, Key="a/b c.txt")["Body"].read() == b"good"


@pytest.mark.feature("expired URLs refused")
def test_an_expired_url_is_refused(
    store_client: TestClient[Any], store_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL the gateway signed 20 s ago for 5 s (its signer's clock set back, rather than a test that waits). Not
    for 1 s: X-Amz-Date counts whole seconds, so a URL signed at .999 for 1 s may die a millisecond later."""
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    monkeypatch.setattr(gateway.s3.sigv4, "time", SimpleNamespace(time=lambda: time.time() - 20))
    get = presign(store_client, bucket, "get", key="k", expires=5)
    assert web.get(get["url"]).status_code == 403  # SeaweedFS says it expired; Ceph only says AccessDenied
    monkeypatch.undo()  # the same request signed now: so time, and nothing else, made the difference
    assert web.get(presign(store_client, bucket, "get", key="k", expires=5)["url"]).content == b"v"


@pytest.mark.feature("signed Content-Type held to")
def test_a_signed_content_type_cannot_be_swapped(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    put = presign(store_client, bucket, "put", key="img.png", content_type="image/png")
    assert web.put(put["url"], content=b"<html>", headers={"Content-Type": "text/html"}).status_code == 403
    assert all_keys(store_s3, bucket) == []


@pytest.mark.feature("POST policies enforced")
def test_post_policies_refuse_too_big_wrong_type_and_other_keys(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    post = presign(store_client, bucket, "post", key_prefix="in/", content_type_prefix="image/", max_size=100)
    fields = {**post["fields"], "Content-Type": "image/png"}
    too_big = web.post(post["url"], data=fields, files={"file": ("big.png", b"x" * 101)})
    assert too_big.status_code == 400 and "EntityTooLarge" in too_big.text
    wrong_type = web.post(post["url"], data={**fields, "Content-Type": "text/html"}, files={"file": ("p.png", b"x")})
    assert wrong_type.status_code == 403
    elsewhere = web.post(post["url"], data={**fields, "key": "out/p.png"}, files={"file": ("p.png", b"x")})
    assert elsewhere.status_code == 403
    fine = web.post(post["url"], data=fields, files={"file": ("ok.png", b"x" * 100)})
    assert fine.status_code == 201
    assert all_keys(store_s3, bucket) == ["in/ok.png"]


@pytest.mark.feature("tampered URLs refused")
def test_a_tampered_part_url_is_refused(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    created = store_client.post(f"{API}/{bucket}/multipart", json={"key": "m.bin"}).json()
    base = f"{API}/{bucket}/multipart/{created['upload_id']}"
    url = store_client.get(f"{base}/urls", params={"key": "m.bin", "parts": "1"}).json()["urls"]["1"]
    assert web.put(tamper(url), content=b"part").status_code == 403
    assert web.put(url, content=b"part").status_code == 200


@pytest.mark.feature("multipart through /api/v1")
def test_multipart_through_the_api(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(4321)]
    created = store_client.post(f"{API}/{bucket}/multipart", json={"key": "m.bin"}).json()
    base = f"{API}/{bucket}/multipart/{created['upload_id']}"
    urls = store_client.get(f"{base}/urls", params={"key": "m.bin", "parts": "1,2"}).json()["urls"]
    etags = [web.put(urls[str(n)], content=body).headers["etag"] for n, body in enumerate(parts, start=1)]
    listed = store_client.get(f"{base}/parts", params={"key": "m.bin"})
    assert listed.status_code == 200, listed.text
    assert [p["part_number"] for p in listed.json()["parts"]] == [1, 2]
    done = store_client.post(
        f"{base}/complete",
        params={"key": "m.bin"},
        json={"parts": [{"part_number": n, "etag": e} for n, e in enumerate(etags, start=1)]},
    )
    assert done.status_code == 200, done.text
    assert store_s3.get_object(Bucket=bucket, Key="m.bin")["Body"].read() == b"".join(parts)


@pytest.mark.feature("download redirect")
def test_download_redirect_from_the_explorer_is_honoured(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="ü.txt", Body=b"unicode")
    redirect = store_client.get(f"/b/{bucket}/download", params={"key": "ü.txt"}, follow_redirects=False)
    fetched = web.get(redirect.headers["location"])
    assert fetched.content == b"unicode"
    assert fetched.headers["content-disposition"].endswith("filename*=UTF-8''%C3%BC.txt")


def text_preview_url(client: TestClient[Any], bucket: str, key: str) -> str:
    page = client.get(f"/b/{bucket}/object", params={"key": key})
    assert page.status_code == 200, page.text[:300]
    return str(soup(page.text).select_one("pre[data-preview-text]")["data-preview-text"])


@pytest.mark.feature("details and previews")
def test_details_show_a_preview_the_store_serves_as_text(store_client: TestClient[Any], store_s3: Any) -> None:
    """A preview URL signs response-content-type=text/plain: markup in a text file stays inert."""
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="n.txt", Body=b"<b>v1</b>", ContentType="text/plain")
    preview = web.get(text_preview_url(store_client, bucket, "n.txt"))
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/plain")
    assert preview.content == b"<b>v1</b>"


@pytest.mark.feature("tampered URLs refused")
def test_a_preview_url_cannot_be_turned_into_an_html_page(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="n.txt", Body=b"<b>v1</b>", ContentType="text/plain")
    url = text_preview_url(store_client, bucket, "n.txt")
    tampered = url.replace("response-content-type=text%2Fplain", "response-content-type=text%2Fhtml")
    assert tampered != url and web.get(tampered).status_code == 403

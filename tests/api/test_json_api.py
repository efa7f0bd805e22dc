"""The JSON API against a moto server: listing, presigned GET/PUT/POST, multipart, incomplete uploads, errors."""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import all_keys, put, web

API = "/api/v1/buckets"
PART = 5 * 1024 * 1024


def test_the_openapi_schema_documents_every_api_route(client: TestClient[Any]) -> None:
    schema = client.get("/api/schema/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/buckets",
        "/api/v1/buckets/{bucket}/objects",
        "/api/v1/buckets/{bucket}/presign/get",
        "/api/v1/buckets/{bucket}/presign/put",
        "/api/v1/buckets/{bucket}/presign/post",
        "/api/v1/buckets/{bucket}/multipart",
        "/api/v1/buckets/{bucket}/multipart/{upload_id}/urls",
        "/api/v1/buckets/{bucket}/multipart/{upload_id}/parts",
        "/api/v1/buckets/{bucket}/multipart/{upload_id}/complete",
        "/api/v1/buckets/{bucket}/multipart/{upload_id}",
        "/s3/params",
        "/s3/multipart",
        "/s3/multipart/{upload_id}/{part_number}",
        "/s3/multipart/{upload_id}",
        "/s3/multipart/{upload_id}/complete",
    } <= paths
    assert not any(p.startswith("/b/") or p in {"/", "/healthz"} for p in paths)  # pages stay out of the schema


def test_the_api_root_names_its_version_and_schema(client: TestClient[Any]) -> None:
    installed = importlib.metadata.version("s3-manager")  # what pip recorded from the package's one version
    assert client.get("/api/v1").json() == {"version": installed, "schema": "/api/schema/openapi.json"}


def test_list_buckets_and_pages_of_a_prefix(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, *(f"p/{n:03d}" for n in range(70)), "p/sub/x", "top")
    assert bucket in [b["name"] for b in client.get(API).json()["buckets"]]
    first = client.get(f"{API}/{bucket}/objects", params={"prefix": "p/"}).json()
    assert (len(first["objects"]), first["folders"]) == (50, [])  # page_size is 50; 'p/sub/' sorts after 'p/069'
    second = client.get(f"{API}/{bucket}/objects", params={"prefix": "p/", "token": first["next_token"]}).json()
    assert [o["key"] for o in first["objects"] + second["objects"]] == [f"p/{n:03d}" for n in range(70)]
    assert (second["folders"], second["next_token"]) == (["p/sub/"], None)
    flat = client.get(f"{API}/{bucket}/objects", params={"prefix": "p/sub", "flat": "true"}).json()
    assert (flat["folders"], [o["key"] for o in flat["objects"]]) == ([], ["p/sub/x"])


def test_presigned_get_with_file_name_inline_and_expiry(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "docs/r.pdf", body=b"%PDF")
    signed = client.post(
        f"{API}/{bucket}/presign/get", json={"key": "docs/r.pdf", "expires": 120, "filename": "Ré.pdf"}
    )
    body = signed.json()
    assert (signed.status_code, body["method"], body["expires_in"]) == (200, "GET", 120)
    assert abs((datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC)).total_seconds() - 120) < 5
    fetched = web.get(body["url"])
    assert fetched.content == b"%PDF"
    assert fetched.headers["content-disposition"].endswith("filename*=UTF-8''R%C3%A9.pdf")
    inline = client.post(f"{API}/{bucket}/presign/get", json={"key": "docs/r.pdf", "inline": True}).json()
    assert web.get(inline["url"]).headers["content-disposition"].startswith("inline;")


def test_markup_is_never_handed_out_inline_unless_the_operator_allows_it(
    settings: Settings, client: TestClient[Any], s3: Any, bucket: str
) -> None:
    """A page on the store's origin, shown inline, could plant cookies for the gateway's site (issue 14, item 1)."""
    kinds = ["text/html", "image/svg+xml", "application/xml", "text/html; charset=utf-8"]
    for number, content_type in enumerate(kinds):
        s3.put_object(Bucket=bucket, Key=f"page{number}", Body=b"<script>alert(1)</script>", ContentType=content_type)

    def dispositions(gateway: TestClient[Any]) -> list[str]:
        signed = [
            gateway.post(f"{API}/{bucket}/presign/get", json={"key": f"page{number}", "inline": True}).json()["url"]
            for number in range(len(kinds))
        ]
        return [web.get(url).headers["content-disposition"].split(";")[0] for url in signed]

    assert not settings.inline_markup and dispositions(client) == ["attachment"] * len(kinds)
    with TestClient(create_app(replace(settings, inline_markup=True))) as allowing:
        assert dispositions(allowing) == ["inline"] * len(kinds)


def test_presigned_put_with_and_without_a_signed_content_type(client: TestClient[Any], s3: Any, bucket: str) -> None:
    typed = client.post(f"{API}/{bucket}/presign/put", json={"key": "a.csv", "content_type": "text/csv"}).json()
    assert typed["headers"] == {"Content-Type": "text/csv"}
    assert "content-type" in parse_qs(urlsplit(typed["url"]).query)["X-Amz-SignedHeaders"][0]
    assert web.put(typed["url"], content=b"a,b", headers=typed["headers"]).status_code == 200
    assert s3.head_object(Bucket=bucket, Key="a.csv")["ContentType"] == "text/csv"
    plain = client.post(f"{API}/{bucket}/presign/put", json={"key": "b.bin"}).json()
    assert plain["headers"] == {}
    sent = web.put(plain["url"], content=b"\x00\x01", headers={"Content-Type": "application/octet-stream"})
    assert sent.status_code == 200
    assert s3.get_object(Bucket=bucket, Key="b.bin")["Body"].read() == b"\x00\x01"


def test_presigned_post_covers_every_field_with_a_condition(client: TestClient[Any], s3: Any, bucket: str) -> None:
    import base64
    import json

    answer = client.post(
        f"{API}/{bucket}/presign/post", json={"key_prefix": "in/", "content_type_prefix": "image/", "max_size": 1000}
    ).json()
    fields = answer["fields"]
    assert fields["key"] == "in/${filename}"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["starts-with", "$key", "in/"] in conditions
    assert ["starts-with", "$Content-Type", "image/"] in conditions
    assert ["content-length-range", 0, 1000] in conditions
    signed_names = {next(iter(c)).lower() for c in conditions if isinstance(c, dict)}
    signed_names |= {
        c[1].lstrip("$").lower() for c in conditions if isinstance(c, list) and c[0] != "content-length-range"
    }
    assert {name.lower() for name in fields} - {"policy", "x-amz-signature"} <= signed_names
    form = {**fields, "Content-Type": "image/png"}
    sent = web.post(answer["url"], data=form, files={"file": ("cat.png", b"\x89PNG", "image/png")})
    assert sent.status_code == 201
    assert all_keys(s3, bucket) == ["in/cat.png"]


@pytest.mark.parametrize(
    ("route", "body", "status", "message"),
    [
        ("presign/get", {"key": "k", "expires": 0}, 400, "expires must be between 1 and 86400"),
        ("presign/get", {"key": "k", "expires": 604801}, 400, "expires must be between"),
        ("presign/put", {"key": ""}, 400, "key is empty"),
        ("presign/post", {}, 400, "exactly one of key and key_prefix"),
        ("presign/post", {"key": "k", "max_size": 6 * 1024**3}, 400, "max_size"),
        ("presign/post", {"key": "k", "content_type": "a/b", "content_type_prefix": "a/"}, 400, "not both"),
        ("presign/get", {"nokey": 1}, 400, "invalid parameter"),
    ],
)
def test_bad_requests_get_json_errors(
    client: TestClient[Any], bucket: str, route: str, body: dict[str, Any], status: int, message: str
) -> None:
    answer = client.post(f"{API}/{bucket}/{route}", json=body)
    assert answer.status_code == status
    assert message in answer.json()["message"]


def test_a_post_that_is_not_json_is_refused(client: TestClient[Any], bucket: str) -> None:
    answer = client.post(f"{API}/{bucket}/presign/get", content=b'{"key": "k"}', headers={"content-type": "text/plain"})
    assert (answer.status_code, answer.json()["message"]) == (415, "Send the request body as application/json.")


def test_missing_things_are_404_in_json(client: TestClient[Any], bucket: str) -> None:
    assert client.get(f"{API}/no-such-bucket-x/objects").status_code == 404
    gone = client.get(f"{API}/{bucket}/multipart/nope/parts", params={"key": "k"})
    assert gone.status_code == 404 and "no multipart upload" in gone.json()["message"]


def test_multipart_upload_signed_part_by_part(client: TestClient[Any], s3: Any, bucket: str) -> None:
    parts = [os.urandom(PART), os.urandom(PART), os.urandom(1234)]
    created = client.post(f"{API}/{bucket}/multipart", json={"key": "big/file.bin", "content_type": "video/mp4"})
    assert created.status_code == 201
    upload_id = created.json()["upload_id"]
    base = f"{API}/{bucket}/multipart/{upload_id}"
    urls = client.get(f"{base}/urls", params={"key": "big/file.bin", "parts": "1-3"}).json()["urls"]
    assert sorted(urls) == ["1", "2", "3"]
    etags = []
    for n, body in enumerate(parts, start=1):
        sent = web.put(urls[str(n)], content=body, headers={"Content-Type": "application/octet-stream"})
        assert sent.status_code == 200
        etags.append(sent.headers["etag"])
    listed = client.get(f"{base}/parts", params={"key": "big/file.bin"}).json()["parts"]
    assert [(p["part_number"], p["size"]) for p in listed] == [(1, PART), (2, PART), (3, 1234)]
    completion = [{"part_number": n, "etag": etag.strip('"')} for n, etag in enumerate(etags, start=1)]  # unquoted
    done = client.post(f"{base}/complete", params={"key": "big/file.bin"}, json={"parts": completion[::-1]})
    assert done.status_code == 200, done.text
    assert done.json()["location"].endswith(f"/{bucket}/big/file.bin")
    stored = s3.get_object(Bucket=bucket, Key="big/file.bin")
    assert stored["Body"].read() == b"".join(parts)
    assert stored["ContentType"] == "video/mp4"


def test_a_completion_the_store_refuses_is_a_400_with_its_reason(client: TestClient[Any], bucket: str) -> None:
    upload_id = client.post(f"{API}/{bucket}/multipart", json={"key": "small-parts"}).json()["upload_id"]
    base = f"{API}/{bucket}/multipart/{upload_id}"
    urls = client.get(f"{base}/urls", params={"key": "small-parts", "parts": "1-2"}).json()["urls"]
    etags = [web.put(urls[n], content=b"tiny", headers={"Content-Type": "x/y"}).headers["etag"] for n in ("1", "2")]
    parts = [{"part_number": n, "etag": e} for n, e in enumerate(etags, start=1)]
    refused = client.post(f"{base}/complete", params={"key": "small-parts"}, json={"parts": parts})
    assert refused.status_code == 400  # every part but the last must be at least 5 MiB
    assert "EntityTooSmall" in refused.json()["message"]
    twice = client.post(f"{base}/complete", params={"key": "small-parts"}, json={"parts": parts + parts[:1]})
    assert twice.status_code == 400 and "once" in twice.json()["message"]


def test_incomplete_uploads_are_listed_and_aborted_by_prefix(client: TestClient[Any], bucket: str) -> None:
    for key in ("tmp/a", "tmp/b", "keep/c"):
        client.post(f"{API}/{bucket}/multipart", json={"key": key})
    pending = client.get(f"{API}/{bucket}/multipart", params={"prefix": "tmp/"}).json()["uploads"]
    assert sorted(u["key"] for u in pending) == ["tmp/a", "tmp/b"]
    report = client.delete(f"{API}/{bucket}/multipart", params={"prefix": "tmp/"}).json()
    assert report == {"aborted": 2, "failed": []}
    left = client.get(f"{API}/{bucket}/multipart").json()["uploads"]
    assert [u["key"] for u in left] == ["keep/c"]
    one = left[0]
    assert client.delete(f"{API}/{bucket}/multipart/{one['upload_id']}", params={"key": "keep/c"}).json() == {}
    assert client.get(f"{API}/{bucket}/multipart").json()["uploads"] == []


def test_part_urls_refuse_bad_part_numbers(client: TestClient[Any], bucket: str) -> None:
    for parts in ("0", "10001", "1-1001", "x"):
        answer = client.get(f"{API}/{bucket}/multipart/u/urls", params={"key": "k", "parts": parts})
        assert answer.status_code == 400, parts

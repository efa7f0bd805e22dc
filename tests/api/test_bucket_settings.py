"""A bucket's settings page: the CORS verdict and its fix, incomplete uploads and the lifecycle rule."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.rules.buckets import ABORT_RULE_ID
from gateway.s3 import make_client
from gateway.settings import Settings
from tests.conftest import new_bucket, page_token, soup
from tests.faulty_store import FaultyStore


def test_the_cors_doctor_names_the_problem_and_applies_the_rule_keeping_others(
    client: TestClient[Any], s3: Any
) -> None:
    doctor = fresh_bucket(s3)
    theirs = {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}
    s3.put_bucket_cors(Bucket=doctor, CORSConfiguration={"CORSRules": [theirs]})
    page = soup(client.get(f"/b/{doctor}/settings").text)
    assert "No rule allows the origin http://testserver.local" in page.select_one(".cors-verdict").text
    fixed = client.post(f"/b/{doctor}/settings/cors", data={"origin": "https://files.example.com"})
    assert "Applied: browsers at https://files.example.com may upload." in fixed.text
    rules = s3.get_bucket_cors(Bucket=doctor)["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://files.example.com"] and rules[1]["AllowedOrigins"] == [
        "https://app.example"
    ]
    assert client.post(f"/b/{doctor}/settings/cors", data={"origin": "files.example.com"}).status_code == 400


def test_incomplete_uploads_are_listed_aborted_and_a_lifecycle_rule_added(client: TestClient[Any], s3: Any) -> None:
    doctor = fresh_bucket(s3)
    for key in ("a.bin", "b.bin"):
        s3.create_multipart_upload(Bucket=doctor, Key=key)
    page = soup(client.get(f"/b/{doctor}/settings").text)
    assert [li.select_one("code").text for li in page.select("ul.pending li")] == ["a.bin", "b.bin"]
    aborted = client.post(f"/b/{doctor}/settings/abort-uploads")
    assert "Aborted 2 incomplete uploads." in aborted.text
    assert s3.list_multipart_uploads(Bucket=doctor).get("Uploads", []) == []
    added = client.post(f"/b/{doctor}/settings/lifecycle")
    assert "A lifecycle rule already aborts incomplete uploads." in added.text
    rules = s3.get_bucket_lifecycle_configuration(Bucket=doctor)["Rules"]
    assert [(r["ID"], r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]) for r in rules] == [
        (ABORT_RULE_ID, 7)
    ]


def fresh_bucket(s3: Any) -> str:
    """A new bucket without any CORS rule (new_bucket gives one a rule)."""
    name = f"doctor-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture(name="limited")
def fx_limited(moto_endpoint: str) -> Iterator[tuple[TestClient[Any], Any]]:
    """The gateway in front of a store without lifecycle rules, multipart listing or versioning (as s3rver is)."""
    store = FaultyStore(moto_endpoint)
    store.unsupported = {"lifecycle", "uploads", "versioning"}
    settings = Settings(endpoint_url=store.url, region="us-east-1", addressing_style="path")
    with TestClient(app=create_app(settings)) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield client, make_client(settings, moto_endpoint)
    store.close()


def test_each_settings_section_says_what_the_store_lacks_and_the_others_work(
    limited: tuple[TestClient[Any], Any],
) -> None:
    """Issue 14, item 12: the page no longer fails whole (502), and applying CORS no longer reports an error after
    writing the rule."""
    client, s3 = limited
    bucket = new_bucket(s3)
    page = client.get(f"/b/{bucket}/settings")
    assert page.status_code == 200
    sentences = [p.text for p in soup(page.text).select(".notice.unsupported")]
    assert sentences == [
        "This store does not keep versions: a delete or an overwrite is final.",
        "This store does not list incomplete multipart uploads.",
        "This store does not support lifecycle rules.",
    ]
    applied = client.post(f"/b/{bucket}/settings/cors", data={"origin": "https://files.example.com"})
    assert applied.status_code == 200 and "Applied: browsers at https://files.example.com" in applied.text
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedOrigins"] == ["https://files.example.com"]
    refused = client.post(f"/b/{bucket}/settings/lifecycle")
    assert refused.status_code == 501 and "does not support" in refused.text


def test_details_show_without_versions_on_a_store_without_versioning(limited: tuple[TestClient[Any], Any]) -> None:
    client, s3 = limited
    bucket = new_bucket(s3)
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x", ContentType="text/plain")
    details = client.get(f"/b/{bucket}/object", params={"key": "a.txt"})
    assert details.status_code == 200 and "text/plain" in details.text

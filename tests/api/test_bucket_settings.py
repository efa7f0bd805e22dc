"""A bucket's settings page: the CORS verdict and its fix, incomplete uploads and the lifecycle rule."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from gateway.bucket_setup import ABORT_RULE_ID
from tests.conftest import soup


def test_the_cors_doctor_names_the_problem_and_applies_the_rule_keeping_others(
    client: TestClient[Any], s3: Any
) -> None:
    s3.create_bucket(Bucket="doctor-cors")
    theirs = {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}
    s3.put_bucket_cors(Bucket="doctor-cors", CORSConfiguration={"CORSRules": [theirs]})
    page = soup(client.get("/b/doctor-cors/settings").text)
    assert "No rule allows the origin http://testserver.local" in page.select_one(".cors-verdict").text
    fixed = client.post("/b/doctor-cors/settings/cors", data={"origin": "https://files.example.com"})
    assert "Applied: browsers at https://files.example.com may upload." in fixed.text
    rules = s3.get_bucket_cors(Bucket="doctor-cors")["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://files.example.com"] and rules[1]["AllowedOrigins"] == [
        "https://app.example"
    ]
    assert client.post("/b/doctor-cors/settings/cors", data={"origin": "files.example.com"}).status_code == 400


def test_incomplete_uploads_are_listed_aborted_and_a_lifecycle_rule_added(client: TestClient[Any], s3: Any) -> None:
    s3.create_bucket(Bucket="doctor-uploads")
    for key in ("a.bin", "b.bin"):
        s3.create_multipart_upload(Bucket="doctor-uploads", Key=key)
    page = soup(client.get("/b/doctor-uploads/settings").text)
    assert [li.select_one("code").text for li in page.select("ul.pending li")] == ["a.bin", "b.bin"]
    aborted = client.post("/b/doctor-uploads/settings/abort-uploads")
    assert "Aborted 2 incomplete uploads." in aborted.text
    assert s3.list_multipart_uploads(Bucket="doctor-uploads").get("Uploads", []) == []
    added = client.post("/b/doctor-uploads/settings/lifecycle")
    assert "A lifecycle rule already aborts incomplete uploads." in added.text
    rules = s3.get_bucket_lifecycle_configuration(Bucket="doctor-uploads")["Rules"]
    assert [(r["ID"], r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]) for r in rules] == [
        (ABORT_RULE_ID, 7)
    ]

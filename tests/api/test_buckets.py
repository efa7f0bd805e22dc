"""The bucket list: see, create, delete; clear messages for what the store refuses."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import TestClient

from tests.conftest import put, soup

HTMX = {"HX-Request": "true"}


def test_the_bucket_list_links_every_bucket(client: TestClient[Any], bucket: str) -> None:
    page = client.get("/")
    assert page.status_code == 200
    links = {a.text: a["href"] for a in soup(page.text).select("a.bucket")}
    assert links[bucket] == f"/b/{bucket}"


def test_create_a_bucket_then_land_in_it(client: TestClient[Any], s3: Any) -> None:
    name = f"new-{uuid.uuid4().hex[:8]}"
    answer = client.post("/buckets", data={"name": name}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/b/{name}"
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_create_with_htmx_returns_the_list_with_a_notice(client: TestClient[Any]) -> None:
    name = f"new-{uuid.uuid4().hex[:8]}"
    answer = client.post("/buckets", data={"name": name}, headers=HTMX)
    html = soup(answer.text)
    assert answer.status_code == 200
    assert html.find("html") is None  # a partial, not a page
    assert html.select_one("#flash .notice").text == f"Created bucket {name}."
    assert name in [a.text for a in html.select("a.bucket")]
    assert "HX-Request" in answer.headers["vary"].split(",")


def test_invalid_and_duplicate_names_get_a_readable_error(client: TestClient[Any], bucket: str) -> None:
    bad = client.post("/buckets", data={"name": "Bad_Name"})
    assert bad.status_code == 400
    assert "not a valid bucket name" in soup(bad.text).select_one(".notice.error").text
    again = client.post("/buckets", data={"name": bucket}, headers=HTMX)
    assert again.status_code == 409
    assert again.headers["hx-retarget"] == "#flash"
    assert "already exists" in soup(again.text).select_one(".notice.error").text


def test_delete_an_empty_bucket(client: TestClient[Any], s3: Any, bucket: str) -> None:
    answer = client.post(f"/b/{bucket}/delete-bucket", headers=HTMX)
    assert answer.status_code == 200
    assert soup(answer.text).select_one("#flash .notice").text == f"Deleted bucket {bucket}."
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_non_empty_bucket_is_kept_and_the_user_told_why(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "keep.txt")
    answer = client.post(f"/b/{bucket}/delete-bucket")
    assert answer.status_code == 409
    assert "is not empty" in soup(answer.text).select_one(".notice.error").text
    assert s3.head_object(Bucket=bucket, Key="keep.txt")["ContentLength"] == 1


def test_a_post_without_the_csrf_token_is_refused(client: TestClient[Any]) -> None:
    answer = client.post("/buckets", data={"name": "never-made"}, headers={"x-csrftoken": ""})
    assert answer.status_code == 403
    assert "CSRF" in soup(answer.text).select_one(".notice.error").text

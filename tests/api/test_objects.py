"""Downloads and uploads by presigned URL, folders, and deletes that never reach past a folder's boundary."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar.testing import TestClient

import gateway.s3.listing
from gateway.demo import ODD_NAMES
from gateway.observability.metrics import S3_CALLS
from tests.conftest import all_keys, put, soup, web

HTMX = {"HX-Request": "true"}
AWKWARD = [*ODD_NAMES, "a//b", "long/" + "é" * 509, "sp ace/+plus/%25/#/?/x"]


def upload_through_gateway(
    client: TestClient[Any], bucket: str, prefix: str, path: str, body: bytes, kind: str = ""
) -> str:
    """Ask the gateway for a PUT URL and send the bytes straight to the store, as the page's script does."""
    answer = client.post(f"/b/{bucket}/uploads", json={"prefix": prefix, "files": [{"path": path, "type": kind}]})
    assert answer.status_code == 200, answer.text
    grant = answer.json()["uploads"][0]
    sent = web.put(grant["url"], content=body, headers=grant["headers"])
    assert sent.status_code == 200, sent.text
    return str(grant["key"])


def download_through_gateway(client: TestClient[Any], bucket: str, key: str) -> httpx.Response:
    redirect = client.get(f"/b/{bucket}/download", params={"key": key}, follow_redirects=False)
    assert redirect.status_code == 303
    return web.get(redirect.headers["location"])


@pytest.mark.parametrize("key", AWKWARD)
def test_awkward_keys_round_trip_exactly(client: TestClient[Any], s3: Any, bucket: str, key: str) -> None:
    body = os.urandom(2048)
    folder, _, name = key.rpartition("/")
    prefix = folder + "/" if folder or key.startswith("/") else ""
    assert upload_through_gateway(client, bucket, prefix, name, body) == key
    assert all_keys(s3, bucket) == [key]
    assert download_through_gateway(client, bucket, key).content == body
    listing = soup(client.get(f"/b/{bucket}", params={"prefix": prefix}).text)
    hrefs = [parse_qs(urlsplit(a["href"]).query)["key"][0] for a in listing.select("tr.object a")]
    assert hrefs == [key]
    deleted = client.post(f"/b/{bucket}/delete", data={"prefix": prefix, "key": key}, headers=HTMX)
    assert soup(deleted.text).select_one("#flash .notice").text == "Deleted 1 object."
    assert all_keys(s3, bucket) == []


def test_download_is_a_fresh_redirect_that_saves_under_the_real_name(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "reports/Résumé 2026.pdf", body=b"%PDF-1.4")
    redirect = client.get(f"/b/{bucket}/download", params={"key": "reports/Résumé 2026.pdf"}, follow_redirects=False)
    location = redirect.headers["location"]
    assert location.startswith(s3.meta.endpoint_url)
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=3600" in location
    assert redirect.headers["cache-control"] == "no-store"
    fetched = web.get(location)
    assert fetched.content == b"%PDF-1.4"
    assert fetched.headers["content-disposition"] == (
        "attachment; filename=\"R_sum_ 2026.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf"
    )


def test_downloading_a_missing_key_is_a_404_page(client: TestClient[Any], bucket: str) -> None:
    answer = client.get(f"/b/{bucket}/download", params={"key": "nope.txt"})
    assert answer.status_code == 404
    assert "no object 'nope.txt'" in soup(answer.text).select_one(".notice.error").text


def test_upload_urls_sign_the_content_type_and_flag_existing_keys(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "in/old.txt")
    answer = client.post(
        f"/b/{bucket}/uploads",
        json={"prefix": "in/", "files": [{"path": "old.txt", "type": "text/plain"}, {"path": "sub/new.bin"}]},
    )
    grants = answer.json()["uploads"]
    assert [(g["key"], g["exists"]) for g in grants] == [("in/old.txt", True), ("in/sub/new.bin", False)]
    assert grants[0]["headers"] == {"Content-Type": "text/plain"}
    assert grants[1]["headers"] == {"Content-Type": "application/octet-stream"}
    assert "content-type" in parse_qs(urlsplit(grants[0]["url"]).query)["X-Amz-SignedHeaders"][0]
    upload_through_gateway(client, bucket, "in/", "typed.csv", b"a,b\n", "text/csv")
    assert s3.head_object(Bucket=bucket, Key="in/typed.csv")["ContentType"] == "text/csv"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"prefix": "", "files": []}, "1 to 1000 files"),
        ({"prefix": "", "files": [{"path": "x"}] * 1001}, "1 to 1000 files"),
        ({"prefix": "", "files": [{"path": ""}]}, "key is empty"),
        ({"prefix": "", "files": [{"path": "k" * 1025}]}, "1024 bytes"),
        ({"files": "nope"}, "invalid parameter"),
    ],
)
def test_bad_upload_requests_get_a_json_message(client: TestClient[Any], bucket: str, body: Any, message: str) -> None:
    answer = client.post(f"/b/{bucket}/uploads", json=body, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert message in answer.json()["message"]


def test_create_a_folder_marker(client: TestClient[Any], s3: Any, bucket: str) -> None:
    answer = client.post(f"/b/{bucket}/folders", data={"prefix": "a/", "name": "new one"}, headers=HTMX)
    assert answer.status_code == 200
    assert answer.headers["hx-replace-url"] == f"/b/{bucket}?prefix=a%2F"
    prefixes = [parse_qs(urlsplit(a["href"]).query)["prefix"][0] for a in soup(answer.text).select("tr.folder a")]
    assert prefixes == ["a/new one/"]
    assert s3.head_object(Bucket=bucket, Key="a/new one/")["ContentLength"] == 0
    plain = client.post(f"/b/{bucket}/folders", data={"prefix": "", "name": "top"}, follow_redirects=False)
    assert (plain.status_code, plain.headers["location"]) == (303, f"/b/{bucket}")
    bad = client.post(f"/b/{bucket}/folders", data={"prefix": "", "name": "a/b"})
    assert bad.status_code == 400


def test_delete_a_selection(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "s/1", "s/2", "s/3")
    answer = client.post(f"/b/{bucket}/delete", data={"prefix": "s/", "key": ["s/1", "s/3"]}, headers=HTMX)
    assert soup(answer.text).select_one("#flash .notice").text == "Deleted 2 objects."
    assert all_keys(s3, bucket) == ["s/2"]
    nothing = client.post(f"/b/{bucket}/delete", data={"prefix": "s/"}, headers=HTMX)
    assert nothing.status_code == 400


def test_a_selection_of_objects_and_folders_is_counted_then_deleted(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "s/1", "s/2", "s/sub/a", "s/sub/deeper/b", "s/subway", "t/x")
    chosen = {"prefix": "s/", "key": ["s/1"], "folder": ["s/sub/"]}
    asked = client.post(f"/b/{bucket}/delete-selection", data=chosen)
    page = soup(asked.text)
    assert asked.status_code == 200 and page.select_one("h1").text == "Delete 3 objects?"
    assert [li.text for li in page.select(".doomed li")] == ["s/sub/ and everything under it (2 objects)", "s/1"]
    assert len(all_keys(s3, bucket)) == 6  # asking deletes nothing
    form = page.select_one("#panel form")
    fields = [(i["name"], i["value"]) for i in form.select("input[type=hidden]") if i["name"] != "_csrf_token"]
    assert sorted(fields) == [("folder", "s/sub/"), ("key", "s/1"), ("prefix", "s/")]
    answer = client.post(form["action"], data=chosen, headers=HTMX)
    assert soup(answer.text).select_one("#flash .notice").text == "Deleted 3 objects."
    assert all_keys(s3, bucket) == ["s/2", "s/subway", "t/x"]  # the folder's neighbour by name stays
    for refused in ({"prefix": "s/"}, {"key": ""}, {"folder": ""}):
        answer = client.post(f"/b/{bucket}/delete-selection", data=refused)
        assert answer.status_code == 400 and soup(answer.text).select_one(".notice.error").text.strip()
    too_many = client.post(f"/b/{bucket}/delete", data={"folder": [f"f{n}/" for n in range(101)]})
    assert too_many.status_code == 400 and "at most 10,000 objects and 100 folders" in too_many.text
    assert all_keys(s3, bucket) == ["s/2", "s/subway", "t/x"]


def test_one_object_is_deleted_after_a_confirmation_page_of_its_own(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "s/ü 1.txt", "s/2", body=b"12345")
    asked = client.get(f"/b/{bucket}/delete", params={"key": "s/ü 1.txt"})
    page = soup(asked.text)
    assert asked.status_code == 200 and page.select_one("title").text.startswith("Delete s/ü 1.txt")
    assert "s/ü 1.txt" in page.select_one(".notice").text and "5 B" in page.select_one(".notice").text
    form = page.select_one("#panel form")
    fields = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert (fields["key"], fields["prefix"]) == ("s/ü 1.txt", "s/")
    assert all_keys(s3, bucket) == ["s/2", "s/ü 1.txt"]  # asking deletes nothing
    answer = client.post(form["action"], data=fields, headers=HTMX)
    assert soup(answer.text).select_one("#flash .notice").text == "Deleted 1 object."
    assert all_keys(s3, bucket) == ["s/2"]
    missing = client.get(f"/b/{bucket}/delete", params={"key": "s/ü 1.txt"})
    assert missing.status_code == 404 and "There is no object" in missing.text


def test_a_large_folder_is_counted_with_one_listing_and_said_to_hold_more(
    client: TestClient[Any], s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, item 7: counting never walks the whole folder; beyond the limit the page says "more than"."""
    monkeypatch.setattr(gateway.s3.listing, "COUNTED", 10)
    put(s3, bucket, *(f"big/{n:03d}" for n in range(12)))
    listings = S3_CALLS.labels("default", "ListObjectsV2", "ok")
    before = listings._value.get()
    for page in (f"/b/{bucket}/delete-folder?prefix=big/", f"/b/{bucket}/transfer/?prefix=big/"):
        confirm = soup(client.get(page).text)
        assert "more than 10" in confirm.text
    assert listings._value.get() - before == 2  # one listing per page, whatever the folder holds
    assert soup(client.get(f"/b/{bucket}/delete-folder?prefix=big/").text).select_one(".count").text == "more than 10"


def test_deleting_a_folder_counts_first_and_stays_inside_it(client: TestClient[Any], s3: Any, bucket: str) -> None:
    inside = ["a/b/", "a/b/1", "a/b/deep/2", "a/b//3"]
    outside = ["a/bc/1", "a/b", "a/b.txt", "a/bb/", "b/a/b/1"]
    put(s3, bucket, *inside, *outside)
    confirm = soup(client.get(f"/b/{bucket}/delete-folder", params={"prefix": "a/b"}).text)
    assert confirm.select_one(".count").text == "4"
    assert confirm.select_one("input[name=prefix]")["value"] == "a/b/"
    answer = client.post(f"/b/{bucket}/delete-folder", data={"prefix": "a/b"}, headers=HTMX)
    assert soup(answer.text).select_one("#flash .notice").text == "Folder a/b/: Deleted 4 objects."
    assert answer.headers["hx-replace-url"] == f"/b/{bucket}?prefix=a%2F"
    assert sorted(all_keys(s3, bucket)) == sorted(outside)


@pytest.mark.slow
def test_deleting_a_large_folder_goes_page_by_page(client: TestClient[Any], s3: Any, bucket: str) -> None:
    """1,100 keys: two DeleteObjects batches at the store's real limit of 1,000."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: put(s3, bucket, f"big/{n:04d}"), range(1100)))
    put(s3, bucket, "big-sibling/keep")
    answer = client.post(f"/b/{bucket}/delete-folder", data={"prefix": "big/"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, f"/b/{bucket}")
    assert all_keys(s3, bucket) == ["big-sibling/keep"]


def test_the_bucket_root_cannot_be_deleted_as_a_folder(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "precious")
    answer = client.post(f"/b/{bucket}/delete-folder", data={"prefix": ""})
    assert answer.status_code == 400
    assert all_keys(s3, bucket) == ["precious"]

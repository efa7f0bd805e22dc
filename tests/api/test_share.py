"""Share links: presigned for a chosen time, or through the gateway for longer and revocable by the share epoch."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.share_links import make_token, open_token
from gateway.settings import Settings
from tests.conftest import page_token, put, soup, web


def create(client: TestClient[Any], bucket: str, key: str, seconds: int, kind: str) -> Any:
    return client.post(
        f"/b/{bucket}/share", data={"key": key, "seconds": str(seconds), "kind": kind}, headers={"HX-Request": "true"}
    )


def shared_url(answer: Any) -> str:
    assert answer.status_code == 200, answer.text
    return str(soup(answer.text).select_one("#share-url")["value"])


def test_a_presigned_share_link_lasts_what_was_chosen_and_downloads_the_object(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "docs/report q3.pdf", body=b"%PDF-quarterly")
    form = client.get(f"/b/{bucket}/share", params={"key": "docs/report q3.pdf"})
    assert form.status_code == 200 and "Share" in soup(form.text).select_one("h1").text
    url = shared_url(create(client, bucket, "docs/report q3.pdf", 86400, "presigned"))
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["86400"]
    assert "report%20q3.pdf" in query["response-content-disposition"][0]
    assert web.get(url).content == b"%PDF-quarterly"


def test_a_presigned_link_beyond_7_days_or_the_cap_is_refused_with_the_way_out(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "a.txt")
    refused = create(client, bucket, "a.txt", 30 * 86400, "presigned")
    assert refused.status_code == 400 and "choose a gateway link" in refused.text


def test_a_gateway_link_presigns_afresh_on_each_use(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "big/movie.mp4", body=b"frames")
    url = shared_url(create(client, bucket, "big/movie.mp4", 365 * 86400, "gateway"))
    path = urlsplit(url).path
    assert path.startswith("/s/")
    fresh = client.get(path, follow_redirects=False)
    assert fresh.status_code == 303 and fresh.headers["cache-control"] == "no-store"
    assert parse_qs(urlsplit(fresh.headers["location"]).query)["X-Amz-Expires"] == ["300"]
    assert web.get(fresh.headers["location"]).content == b"frames"


def test_gateway_links_are_refused_when_forged_expired_or_revoked(
    settings: Settings, client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "a.txt")
    good = urlsplit(shared_url(create(client, bucket, "a.txt", 3600, "gateway"))).path
    assert client.get(good, follow_redirects=False).status_code == 303
    link = open_token(settings.secret_key, 0, good[3:], time.time())
    signature = good.partition(".")[2]
    forged = make_token(settings.secret_key, 0, replace(link, key="other.txt")).split(".")[0]
    assert client.get(f"/s/{forged}.{signature}").status_code == 404
    expired = make_token(settings.secret_key, 0, replace(link, until=int(time.time()) - 1))
    gone = client.get(f"/s/{expired}", headers={"Accept": "text/html"})
    assert gone.status_code == 410 and "expired" in soup(gone.text).select_one(".notice").text
    for garbage in ("x", "é.é", "a.b.c", "%00", "Zm9v.Zm9v"):
        assert client.get(f"/s/{garbage}").status_code == 404
    with TestClient(create_app(replace(settings, share_epoch=1))) as revoked:  # the operator revoked every link
        assert revoked.get(good).status_code == 404


def test_gateway_links_need_a_place_for_their_records(settings: Settings, s3: Any, bucket: str) -> None:
    put(s3, bucket, "a.txt")
    with TestClient(create_app(replace(settings, state_url=None))) as client:
        client.headers["x-csrftoken"] = page_token(client)
        form = soup(client.get(f"/b/{bucket}/share", params={"key": "a.txt"}).text)
        assert [kind["value"] for kind in form.select("form.share-kind input[name=kind]")] == ["presigned"]
        assert "S3M_STATE_S3_URL" in form.text
        refused = create(client, bucket, "a.txt", 3600, "gateway")
        assert refused.status_code == 400 and "S3M_STATE_S3_URL" in refused.text


@pytest.mark.parametrize("kind", ["presigned", "gateway"])
def test_sharing_a_missing_object_says_so(client: TestClient[Any], bucket: str, kind: str) -> None:
    assert create(client, bucket, "nothing-here", 3600, kind).status_code == 404


def test_a_link_may_show_a_picture_in_the_browser_pinned_to_its_type_but_never_markup(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="cat.png", Body=b"\x89PNG pixels", ContentType="image/png")
    s3.put_object(Bucket=bucket, Key="page.html", Body=b"<script>", ContentType="text/html")
    form = soup(client.get(f"/b/{bucket}/share", params={"key": "cat.png"}).text)
    assert [choice["value"] for choice in form.select("form.share-kind input[name=opens]")[:2]] == [
        "browser",
        "download",
    ]
    for kind in ("presigned", "gateway"):
        data = {"key": "cat.png", "seconds": "3600", "kind": kind, "opens": "browser"}
        url = shared_url(client.post(f"/b/{bucket}/share", data=data, headers={"HX-Request": "true"}))
        if kind == "gateway":
            url = client.get(urlsplit(url).path, follow_redirects=False).headers["location"]
        query = parse_qs(urlsplit(url).query)
        assert query["response-content-disposition"][0].startswith("inline")
        assert query["response-content-type"] == ["image/png"]  # a later upload of markup here is not rendered
    download = shared_url(create(client, bucket, "cat.png", 3600, "presigned"))
    assert parse_qs(urlsplit(download).query)["response-content-disposition"][0].startswith("attachment")

    assert soup(client.get(f"/b/{bucket}/share", params={"key": "page.html"}).text).select("input[name=opens]") == []
    data = {"key": "page.html", "seconds": "3600", "kind": "presigned", "opens": "browser"}
    refused = client.post(f"/b/{bucket}/share", data=data, headers={"HX-Request": "true"})
    assert refused.status_code == 400 and "only downloaded" in refused.text

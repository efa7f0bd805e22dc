"""The details panel: headers, user metadata, tags and versions of one object, as the store reports them."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.conftest import put, soup, web

HOSTILE = '<img src=x onerror="window.pwned=1">'


def props(html: str, table: str) -> dict[str, str]:
    rows = soup(html).select(f"table.{table} tr")
    return {row.select_one("th").text: row.select_one("td").text for row in rows}


def test_details_show_what_the_store_keeps_about_an_object(client: TestClient[Any], s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket,
        Key="docs/report.pdf",
        Body=b"%PDF-1.7 tiny",
        ContentType="application/pdf",
        CacheControl="max-age=60",
        Metadata={"owner": "finance", "note": HOSTILE},
        Tagging="team=finance&year=2026",
    )
    page = client.get(f"/b/{bucket}/object", params={"key": "docs/report.pdf"})
    assert page.status_code == 200
    shown = props(page.text, "props")
    assert shown["Size"] == "13 B (13 bytes)" and shown["Content type"] == "application/pdf"
    assert shown["Cache control"] == "max-age=60" and shown["Storage class"] == "STANDARD"
    assert len(shown["ETag"]) == 32
    assert props(page.text, "metadata") == {"owner": "finance", "note": HOSTILE}  # as text
    assert HOSTILE not in page.text  # escaped in the HTML
    assert props(page.text, "tags") == {"team": "finance", "year": "2026"}
    assert "Versioning is not enabled" in page.text


def test_a_versioned_object_lists_its_versions_and_delete_markers(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two!"):
        s3.put_object(Bucket=bucket, Key="v.txt", Body=body)
    s3.put_object(Bucket=bucket, Key="v.txt-other", Body=b"not this key")
    s3.delete_object(Bucket=bucket, Key="v.txt")
    s3.put_object(Bucket=bucket, Key="v.txt", Body=b"three")
    rows = soup(client.get(f"/b/{bucket}/object", params={"key": "v.txt"}).text).select("tr.version")
    assert len(rows) == 4
    assert "latest" in rows[0]["class"] and sum("marker" in r["class"] for r in rows) == 1


def test_details_of_a_missing_object_are_a_404(client: TestClient[Any], bucket: str) -> None:
    assert client.get(f"/b/{bucket}/object", params={"key": "nope"}).status_code == 404


def versions_of(client: TestClient[Any], bucket: str, key: str) -> list[Any]:
    return soup(client.get(f"/b/{bucket}/object", params={"key": key}).text).select("tr.version")


def test_download_restore_and_delete_a_version(client: TestClient[Any], s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"first draft")["VersionId"]
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"second draft")
    old = client.get(f"/b/{bucket}/download", params={"key": "doc.txt", "version": first}, follow_redirects=False)
    assert "versionId=" + first in old.headers["location"]
    assert web.get(old.headers["location"]).content == b"first draft"

    restored = client.post(
        f"/b/{bucket}/restore", data={"key": "doc.txt", "version": first}, headers={"HX-Request": "true"}
    )
    assert (
        restored.status_code == 200 and f"Restored version {first}." in soup(restored.text).select_one(".notice").text
    )
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"first draft"
    assert len(versions_of(client, bucket, "doc.txt")) == 3  # restoring adds a version; history stays

    gone = client.post(f"/b/{bucket}/delete-version", data={"key": "doc.txt", "version": first})
    assert gone.status_code == 200
    ids = [row.select_one("code").text for row in versions_of(client, bucket, "doc.txt")]
    assert first not in ids and len(ids) == 2


def test_previews_are_loaded_from_the_store_and_never_for_markup(client: TestClient[Any], s3: Any, bucket: str) -> None:
    for key, content_type in (
        ("p.png", "image/png"),
        ("n.txt", "text/plain"),
        ("x.html", "text/html"),
        ("d.svg", "image/svg+xml"),
    ):
        s3.put_object(Bucket=bucket, Key=key, Body=b"<b>hi</b>", ContentType=content_type)

    def preview(key: str) -> Any:
        return soup(client.get(f"/b/{bucket}/object", params={"key": key}).text)

    image = preview("p.png").select_one(".preview img")["src"]
    assert image.startswith(client.app.state.settings.endpoint_url) and "response-content-disposition=inline" in image
    text = preview("n.txt").select_one("pre[data-preview-text]")["data-preview-text"]
    assert "response-content-type=text%2Fplain%3B%20charset%3Dutf-8" in text
    assert web.get(text, headers={"Range": "bytes=0-3"}).content == b"<b>h"
    for markup in ("x.html", "d.svg"):
        page = preview(markup)
        assert page.select_one(".preview") is None and page.select_one(".no-preview")


def test_edit_metadata_then_see_it_on_a_presigned_get(client: TestClient[Any], s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="r.csv", Body=b"a,b", ContentType="application/octet-stream", Tagging="old=1")
    saved = client.post(
        f"/b/{bucket}/edit",
        data={
            "key": "r.csv",
            "content_type": "text/csv",
            "cache_control": "no-cache",
            "disposition": "",
            "metadata": "Owner: finance\n\nreviewed: yes",
            "tags": "team=finance\nyear=2026",
        },
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Saved." in soup(saved.text).select_one(".notice").text
    url = client.get(f"/b/{bucket}/download", params={"key": "r.csv"}, follow_redirects=False).headers["location"]
    answer = web.get(url)
    assert answer.content == b"a,b" and answer.headers["content-type"] == "text/csv"
    assert answer.headers["cache-control"] == "no-cache"
    assert (answer.headers["x-amz-meta-owner"], answer.headers["x-amz-meta-reviewed"]) == ("finance", "yes")
    tags = s3.get_object_tagging(Bucket=bucket, Key="r.csv")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("team", "finance"), ("year", "2026")]


def test_bad_metadata_is_refused_naming_the_line_and_changes_nothing(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"keep": "me"})
    for metadata, says in (
        ("no separator", "line 1"),
        ("ok: 1\nbad name: x", "may hold only"),
        ("n: caf\u00e9", "ASCII"),
    ):
        answer = client.post(f"/b/{bucket}/edit", data={"key": "k", "content_type": "text/plain", "metadata": metadata})
        assert answer.status_code == 400 and says in answer.text
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"keep": "me"}


def test_saving_without_tags_removes_them(client: TestClient[Any], s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="a=1")
    assert (
        client.post(f"/b/{bucket}/edit", data={"key": "t", "content_type": "text/plain", "tags": ""}).status_code == 200
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []


def test_details_offer_every_action_of_the_row_menu_for_pages_without_scripts(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "d/x.txt")
    page = soup(client.get(f"/b/{bucket}/object", params={"key": "d/x.txt"}).text)
    actions = {a.text: a["href"] for a in page.select("#panel a.button")}
    assert actions["Share…"] == f"/b/{bucket}/share?key=d%2Fx.txt"
    assert actions["Copy/move…"] == f"/b/{bucket}/transfer?key=d%2Fx.txt"
    assert actions["Delete…"] == f"/b/{bucket}/delete?key=d%2Fx.txt"
    assert client.get(actions["Delete…"]).status_code == 200

"""Walking prefixes: folders, breadcrumbs, paging by continuation token, search, pages vs partials."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient

from gateway.app import create_app
from gateway.demo import ODD_NAMES
from gateway.settings import Settings
from tests.conftest import HTMX, put, soup


def query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query, keep_blank_values=True).items()}


def rows(html: Any) -> tuple[list[str], list[str]]:
    """(folder prefixes, object keys) as the page links them, decoded from the hrefs."""
    folders = [query(a["href"])["prefix"] for a in html.select("tr.folder a")]
    keys = [query(a["href"])["key"] for a in html.select("tr.object a")]
    return folders, keys


def test_a_bucket_root_shows_folders_and_objects(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "top.txt", "docs/a.md", "docs/deep/b.md", "logs/x.log")
    html = soup(client.get(f"/b/{bucket}").text)
    assert rows(html) == (["docs/", "logs/"], ["top.txt"])


def test_a_folder_has_breadcrumbs_and_hides_its_own_marker(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "docs/", "docs/deep/", "docs/deep/b.md")
    page = client.get(f"/b/{bucket}", params={"prefix": "docs/deep/"})
    html = soup(page.text)
    assert [a.text for a in html.select(".crumbs a")] == ["buckets", bucket, "docs", "deep"]
    assert rows(html) == ([], ["docs/deep/b.md"])


def test_paging_walks_every_key_once_without_listing_ahead(settings: Settings, s3: Any, bucket: str) -> None:
    keys = [f"many/k{n:04d}" for n in range(13)]
    put(s3, bucket, *keys)
    with TestClient(create_app(replace(settings, page_size=5))) as client:
        html = soup(client.get(f"/b/{bucket}", params={"prefix": "many/"}).text)
        seen, pages = rows(html)[1], 1
        assert len(seen) == 5
        while more := html.select_one("#more-rows a"):
            answer = client.get(more["hx-get"], headers=HTMX)
            assert answer.status_code == 200
            html = soup(answer.text)
            assert html.select_one("#panel") is None  # rows only: appended, not a new view
            seen, pages = seen + rows(html)[1], pages + 1
    assert seen == keys and pages == 3


def test_a_prefix_search_lists_matches_and_keeps_the_folder_breadcrumbs(
    client: TestClient[Any], s3: Any, bucket: str
) -> None:
    put(s3, bucket, "logs/app-1.log", "logs/app-2.log", "logs/db-1.log", "logs/apps/x")
    html = soup(client.get(f"/b/{bucket}", params={"prefix": "logs/app"}).text)
    assert rows(html) == (["logs/apps/"], ["logs/app-1.log", "logs/app-2.log"])
    assert [a.text for a in html.select(".crumbs a")][-1] == "logs"
    assert "app" in html.select_one(".search-term").text


def test_awkward_keys_are_listed_exactly_and_rendered_inert(client: TestClient[Any], s3: Any, bucket: str) -> None:
    long_key = "long/" + "k" * 1019
    put(s3, bucket, *ODD_NAMES, long_key)
    html = soup(client.get(f"/b/{bucket}", params={"prefix": "odd names/"}).text)
    folders, keys = rows(html)
    assert sorted(keys) == sorted(k for k in ODD_NAMES if k.startswith("odd names/") and "//" not in k)
    assert folders == ["odd names/double/"]
    assert html.select("#rows img") == []  # the name is text, not markup
    assert rows(soup(client.get(f"/b/{bucket}", params={"prefix": "odd names/double//"}).text))[1] == [
        "odd names/double//slash.txt"
    ]
    assert rows(soup(client.get(f"/b/{bucket}", params={"prefix": "/"}).text))[1] == ["/leading-slash.txt"]
    assert rows(soup(client.get(f"/b/{bucket}", params={"prefix": "long/"}).text))[1] == [long_key]


def test_htmx_gets_the_partial_and_a_history_restore_the_page(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "a/b.txt")
    partial = client.get(f"/b/{bucket}", params={"prefix": "a/"}, headers=HTMX)
    assert soup(partial.text).find("html") is None
    assert soup(partial.text).select_one("section#panel") is not None
    restore = client.get(
        f"/b/{bucket}", params={"prefix": "a/"}, headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert soup(restore.text).find("html") is not None
    assert "HX-Request" in partial.headers["vary"] and partial.headers["vary"] == restore.headers["vary"]


def test_an_unknown_bucket_is_a_404_page_or_message(client: TestClient[Any]) -> None:
    page = client.get("/b/no-such-bucket-here")
    assert page.status_code == 404
    assert "does not exist" in soup(page.text).select_one(".notice.error").text
    partial = client.get("/b/no-such-bucket-here", headers=HTMX)
    assert partial.status_code == 404
    assert partial.headers["hx-retarget"] == "#flash"
    assert soup(partial.text).find("html") is None


def test_bad_input_gets_a_readable_error_not_a_traceback(client: TestClient[Any], bucket: str) -> None:
    for url, status in [
        ("/b/Not_A_Bucket", 400),
        (f"/b/{bucket}?prefix=" + "p" * 1025, 400),
        (f"/b/{bucket}/download", 400),  # no key
        ("/no/such/page", 404),
    ]:
        answer = client.get(url)
        assert answer.status_code == status, url
        assert soup(answer.text).select_one(".notice.error").text.strip()
        assert "Traceback" not in answer.text


def test_rows_carry_no_form_and_the_last_page_says_the_folder_ends(settings: Settings, s3: Any, bucket: str) -> None:
    """Rows carry a checkbox and one link (their menu is built in the browser), so a 1,000-row page stays light:
    these rows weighed 1,608 bytes each with a delete form and a CSRF token apiece, 665 with a download link, a
    menu link and a class per cell, about 340 now."""
    keys = [f"reports/2026/quarterly-report-{n:03}.pdf" for n in range(99)]  # with the folder: two pages of 50
    put(s3, bucket, *keys, "reports/2026/archive/old.pdf")
    with TestClient(create_app(replace(settings, page_size=50))) as client:
        first = client.get(f"/b/{bucket}", params={"prefix": "reports/2026/"}, headers=HTMX).text
        rows_only = soup(first).select_one("#more-rows a")["hx-get"]
        second = client.get(rows_only, headers=HTMX).text  # 50 rows, and nothing else but the end
    assert len(second.encode()) / 50 <= 400, len(second.encode()) / 50
    assert soup(second).select_one("#end-of-folder").text == "End of folder"
    assert soup(first).select_one("#end-of-folder") is None and "<form" not in second


def test_the_grid_view_signs_only_the_images_it_may_show(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "p/a.png", "p/b.JPG", "p/c.svg", "p/d.txt", "p/empty.png", body=b"x")
    s3.put_object(Bucket=bucket, Key="p/empty.png", Body=b"")
    grid = soup(client.get(f"/b/{bucket}", params={"prefix": "p/", "view": "grid"}).text)
    shown = {img.find_parent("tr")["data-name"]: img["src"] for img in grid.select("#rows img")}
    assert sorted(shown) == ["a.png", "b.JPG"]  # no SVG (markup), no text, no empty file
    assert all("X-Amz-Signature=" in src and f"/{bucket}/p/" in src for src in shown.values())
    listed = soup(client.get(f"/b/{bucket}", params={"prefix": "p/"}).text)
    assert listed.select("#rows img") == [] and "grid" not in listed.select_one("table.objects")["class"]
    bad = client.get(f"/b/{bucket}", params={"prefix": "p/", "view": "tiles"})
    said = soup(bad.text).select_one(".notice.error").text.strip()
    assert bad.status_code == 400 and said == "A folder is shown as list or grid, not 'tiles'."

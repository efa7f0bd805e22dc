"""The exported site's search box, in Chromium, served by nothing but a static file server (issue 22): it loads the
export's index when first used and finds every key that contains what was typed, in any folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.export import Exporter, ExportOptions
from gateway.settings import Settings
from tests.browser.conftest import static_server
from tests.conftest import put

pytestmark = pytest.mark.browser

KEYS = ["top.txt", "docs/Report 2026.pdf", "docs/old/report-2025.pdf", "ü/%+ report <b>.txt", "other/plan.txt"]


def test_the_search_box_finds_keys_in_every_folder_with_no_server(
    page: Any, settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, *KEYS)
    Exporter(settings, ExportOptions(bucket, "", tmp_path, presign_expires=600)).run()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    with static_server(tmp_path) as site:
        page.goto(site + "other/")
        assert not any(url.endswith("search.ndjson") for url in asked)  # loaded only when the box is used
        page.get_by_label(f"Search every file of {bucket}/").fill("REPORT")
        results = page.locator("form.site-search ol a")
        results.first.wait_for()
        assert sorted(results.all_inner_texts()) == sorted(k for k in KEYS if "report" in k.lower())
        assert page.locator("form.site-search output").inner_text() == "3 found"
        assert page.locator("form.site-search ol b").count() == 0  # a key's markup is text
        page.get_by_role("link", name="docs/old/report-2025.pdf").click()  # to the page of its folder
        page.wait_for_url(site + "docs/old/index.html")
        assert page.locator("table.export tbody a", has_text="report-2025.pdf").count() == 1


def test_with_a_base_url_a_result_links_to_the_file_itself(
    page: Any, settings: Settings, s3: Any, bucket: str, tmp_path: Path
) -> None:
    put(s3, bucket, "ü/%+ report.txt")
    Exporter(settings, ExportOptions(bucket, "", tmp_path, base_url="https://cdn.example/")).run()
    with static_server(tmp_path) as site:
        page.goto(site)
        page.get_by_label(f"Search every file of {bucket}/").fill("report")
        link = page.locator("form.site-search ol a")
        link.first.wait_for()
        assert link.get_attribute("href") == "https://cdn.example/%C3%BC/%25%2B%20report.txt"

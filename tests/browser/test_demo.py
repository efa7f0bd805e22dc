"""`s3-manager demo` as a new user meets it, in Chromium (issue 14, item 15): Uppy's page has a target and its
uploads complete against the demo's own store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import browser_page
from tests.cli.test_commands import running
from tests.conftest import web

pytestmark = pytest.mark.browser


def test_uppy_in_the_demo_uploads_to_the_demo_bucket(chromium: Any, tmp_path: Path) -> None:
    body = b"uploaded through Uppy\n" * 100
    (tmp_path / "hello uppy.txt").write_bytes(body)
    with running(["demo"], tmp_path / "demo.log") as url, browser_page(chromium, url) as page:
        page.goto("/uppy")
        assert page.locator("#flash .notice.error").count() == 0
        page.wait_for_function("() => window.s3mUppy !== undefined")
        page.locator("input.uppy-Dashboard-input").first.set_input_files(str(tmp_path / "hello uppy.txt"))
        page.locator(".uppy-StatusBar-actionBtn--upload").click()
        page.wait_for_function(
            "() => s3mUppy.getFiles().length === 1 && s3mUppy.getFiles()[0].progress.uploadComplete", timeout=30000
        )
        listed = web.get(f"{url}/api/v1/buckets/demo/objects", params={"prefix": "uploads/"}).json()
        assert [(o["key"], o["size"]) for o in listed["objects"]] == [("uploads/hello uppy.txt", len(body))]
        buckets = [b["name"] for b in web.get(f"{url}/api/v1/buckets").json()["buckets"]]
        assert sorted(buckets) == ["demo", "history", "scratch"]  # the gateway's own state bucket is not shown


def test_every_preview_kind_in_the_demo_shows_something(chromium: Any, tmp_path: Path) -> None:
    """Issue 17, item 10: photos, a PDF, typed text and data, and a versioned bucket with history."""
    with running(["demo"], tmp_path / "demo.log") as url, browser_page(chromium, url) as page:
        page.goto("/b/demo?prefix=photos%2F2026%2F")
        assert page.locator("#rows tr.object").count() >= 6
        page.goto("/b/demo/object?key=photos%2F2026%2Faurora.png")
        page.wait_for_function("() => document.querySelector('.preview img').naturalWidth === 320")
        page.goto("/b/demo/object?key=reports%2Fquarterly%20report%202026-Q3.pdf")
        assert page.locator(".preview iframe").count() == 1
        pdf = web.get(page.locator(".preview iframe").get_attribute("src"))
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.4")
        for key, kind, starts in (
            ("data%2Fsales.csv", "text/csv", "region,quarter,revenue"),
            ("data%2Fconfig.json", "application/json", '{"retention_days"'),
            ("docs%2Fguide%2Fpage-1.md", "text/markdown", "# guide page 1"),
        ):
            page.goto(f"/b/demo/object?key={key}")
            assert page.locator(".props td", has_text=kind).count() == 1
            page.wait_for_function(
                "(s) => document.querySelector('.preview pre').textContent.startsWith(s)", arg=starts
            )
        page.goto("/b/history/object?key=settings%2Fretention.yaml")
        assert page.locator("table.versions tbody tr").count() == 3

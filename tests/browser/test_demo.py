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
        assert buckets == ["demo", "scratch"]  # the gateway's own state bucket is not shown

"""Versioning in Chromium, end to end: turned on from the bucket's settings, an object deleted, found in the
folder's Versions view under its delete marker, and brought back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import put

pytestmark = pytest.mark.browser


def test_a_deleted_object_is_brought_back_from_the_versions_view(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "docs/plan.txt", "docs/other.txt", body=b"the plan")
    page.goto(f"/b/{bucket}/settings")
    page.get_by_role("button", name="Turn versioning on").click()
    page.get_by_text("Versioning is on.", exact=True).wait_for()
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    page.goto(f"/b/{bucket}/delete?key=docs/plan.txt")
    page.get_by_role("button", name="Delete").click()
    page.wait_for_selector("tr.object[data-name='other.txt']")
    assert page.locator("tr.object[data-name='plan.txt']").count() == 0

    page.get_by_role("link", name="Versions").click()
    deleted = page.locator("tr.version.marker.latest[data-key='docs/plan.txt']")
    deleted.wait_for()
    assert "deleted" in deleted.inner_text()
    deleted.get_by_role("button", name="Bring back").click()
    page.get_by_text("Brought back plan.txt.").wait_for()
    assert page.url.endswith(f"/b/{bucket}/versions?prefix=docs%2F")
    assert s3.get_object(Bucket=bucket, Key="docs/plan.txt")["Body"].read() == b"the plan"

    page.get_by_role("link", name="List").click()
    page.wait_for_selector("tr.object[data-name='plan.txt']")  # in the listing again

"""axe-core on every kind of page, at a phone's width and a desktop's, in light and in dark: no serious or critical
violation. (The tests' own copy of axe, tests/vendor, is evaluated in the page; the gateway never serves it.)"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import serious_violations
from tests.conftest import put


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_has_a_serious_accessibility_violation(page: Any, s3: Any, bucket: str, axe: str, scheme: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put(s3, bucket, "docs/plan.txt", "docs/plan.txt", "docs/sub/inside.txt", "top.txt", "docs/gone.txt")
    s3.delete_object(Bucket=bucket, Key="docs/gone.txt")  # a delete marker, for the Versions view
    key = quote("docs/plan.txt")
    pages = [
        "/",
        f"/b/{bucket}?prefix=docs%2F",
        f"/b/{bucket}/object?key={key}",
        f"/b/{bucket}/share?key={key}",
        f"/b/{bucket}/delete?key={key}",
        f"/b/{bucket}/transfer?key={key}",
        f"/b/{bucket}/rename?key={key}",
        f"/b/{bucket}/rename?prefix=docs%2Fsub%2F",
        f"/b/{bucket}/delete-folder?prefix=docs%2Fsub%2F",
        f"/b/{bucket}/upload?prefix=docs%2F",
        f"/b/{bucket}?prefix=docs%2F&view=grid",
        f"/b/{bucket}/settings",
        f"/b/{bucket}/versions?prefix=docs%2F",
        f"/b/{bucket}/search?prefix=docs%2F&text=plan&go=search",
        f"/b/{bucket}/search?prefix=docs%2F&go=size",
        "/shares",
    ]
    page.add_init_script(axe)  # once for every page loaded, rather than evaluated after each load
    page.emulate_media(color_scheme=scheme)
    found = []
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            page.goto(path)
            found += [f"{path} at {width} px: {v}" for v in serious_violations(page)]
    page.goto(f"/b/{bucket}?prefix=docs%2F")
    page.locator("#rows tr.object .menu-button").click()  # the row menu, open
    found += [f"row menu: {v}" for v in serious_violations(page)]
    page.keyboard.press("Escape")
    page.check("#rows input[name=key]")  # the selection bar, shown
    found += [f"selection bar: {v}" for v in serious_violations(page)]
    page.get_by_role("region", name="Selection").get_by_role("button", name="Delete…").click()
    page.get_by_role("heading", name="Delete 1 object?").wait_for()
    found += [f"selection's delete: {v}" for v in serious_violations(page)]
    page.evaluate("import('/static/js/dialogs.js').then((m) => { m.ask('Replace 2 files?', 'Replace them'); })")
    page.get_by_role("dialog").wait_for()  # the confirmation dialog, open
    found += [f"dialog: {v}" for v in serious_violations(page)]
    assert found == [], "\n".join(found)

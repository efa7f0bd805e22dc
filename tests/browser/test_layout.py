"""The interface at every width, and its row menu by keyboard: nothing scrolls sideways from 320 px up, whatever the
names, and every action of a row is reachable without a mouse, each at an address of its own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from gateway.demo import ODD_NAMES, landscape
from gateway.export import Exporter, ExportOptions, fs_segment
from gateway.rules.previews import THUMBNAIL_MAX_BYTES
from gateway.settings import Settings
from tests.browser.conftest import overflow, static_server
from tests.conftest import all_keys, put, web

WIDTHS = (320, 390, 768, 1280)
LONG = "a-very-long-file-name-without-any-space-" * 5 + ".csv"  # 205 characters, one token
DEEP = "quarterly reports for the finance department of the northern region/"


@pytest.fixture(name="hostile_bucket")
def fx_hostile_bucket(s3: Any, bucket: str) -> str:
    put(s3, bucket, *ODD_NAMES, LONG, DEEP + LONG, f"{DEEP}notes — ünïcode.txt")
    return bucket


def test_no_page_scrolls_sideways_at_any_width(page: Any, hostile_bucket: str) -> None:
    bucket, key, folder = hostile_bucket, quote(DEEP + LONG), quote(DEEP)
    pages = [
        "/",
        f"/b/{bucket}",
        f"/b/{bucket}?prefix={folder}",
        f"/b/{bucket}?prefix=odd+names%2F",
        f"/b/{bucket}/object?key={key}",
        f"/b/{bucket}/share?key={key}",
        f"/b/{bucket}/delete?key={key}",
        f"/b/{bucket}/transfer?key={key}",
        f"/b/{bucket}/rename?key={key}",
        f"/b/{bucket}/delete-folder?prefix={folder}",
        f"/b/{bucket}/settings",
        f"/b/{bucket}/versions?prefix={folder}",
        f"/b/{bucket}?prefix={folder}&view=grid",
        f"/b/{bucket}/upload?prefix={folder}",
        f"/b/{bucket}/search?text=a&go=search",  # every hostile name below the root
    ]
    wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            page.goto(path)
            if (extra := overflow(page)) > 0:
                wide.append(f"{path} at {width} px: {extra} px too wide")
    assert wide == [], "\n".join(wide)


def test_the_exported_site_does_not_scroll_sideways_at_any_width(
    page: Any, settings: Settings, hostile_bucket: str, tmp_path: Path
) -> None:
    Exporter(settings, ExportOptions(hostile_bucket, "", tmp_path, base_url="https://cdn.example/")).run()
    wide = []
    with static_server(tmp_path) as site:
        for width in (320, 390):  # a phone's widths: the pages are the explorer's rows and stylesheet
            page.set_viewport_size({"width": width, "height": 800})
            for path in ("", quote(fs_segment(DEEP[:-1])) + "/", "odd%20names/"):
                page.goto(site + path)
                assert page.locator("table.export tbody tr").count() > 0
                if (extra := overflow(page)) > 0:
                    wide.append(f"/{path} at {width} px: {extra} px too wide")
    assert wide == [], "\n".join(wide)


def test_a_phone_shows_one_line_per_name_and_its_size_and_date_beneath(page: Any, hostile_bucket: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/b/{hostile_bucket}?prefix={quote(DEEP)}")
    row = page.locator("#rows tr.object", has_text="notes — ünïcode.txt")
    name, size, menu = (
        row.locator(cell).bounding_box() for cell in ("td:nth-child(2)", "td:nth-child(3)", "td:nth-child(5)")
    )
    assert name["height"] < 30  # one line: a short name does not wrap letter by letter
    assert size["y"] >= name["y"] + name["height"] - 1  # size and date on the line beneath
    assert menu["x"] + menu["width"] <= 390  # the menu stays on screen


def test_the_row_menu_works_by_keyboard_and_each_action_has_an_address(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "docs/plan.txt", "docs/sub/inside.txt")
    page.goto(f"/b/{bucket}?prefix=docs%2F")
    assert page.locator("#item-count").inner_text() == "1 folder, 1 file"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the file's name
    page.keyboard.press("Tab")  # its menu button
    page.keyboard.press("Enter")
    items = page.locator("#row-menu [role=menuitem]")
    assert items.all_inner_texts() == ["Download", "Details", "Share…", "Copy/move…", "Rename…", "Delete…"]
    assert page.evaluate("() => document.activeElement.textContent") == "Download"
    page.keyboard.press("Escape")  # closes, and gives the focus back to the button
    assert page.locator("#row-menu").is_hidden()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Actions for plan.txt"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")  # wraps round to the last item
    assert page.evaluate("() => document.activeElement.textContent") == "Delete…"
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # Share…
    page.wait_for_url(f"**/b/{bucket}/share?key=docs%2Fplan.txt")
    page.locator("select[name=seconds]").first.wait_for()
    assert page.title() == "Share plan.txt · s3-manager"  # the tab's title follows htmx's swaps
    page.go_back()
    page.wait_for_url(f"**/b/{bucket}?prefix=docs%2F")
    page.locator("#rows tr.object[data-name='plan.txt']").wait_for()
    page.reload()  # the folder's own address, as the share form's is
    page.locator("#rows tr.folder[data-name='sub'] .menu-button").click()
    folder_items = page.locator("#row-menu [role=menuitem]")
    folder_actions = ["Open", "Download as zip", "Size and count", "Copy/move…", "Rename…", "Delete…"]
    assert folder_items.all_inner_texts() == folder_actions
    page.mouse.click(5, 5)  # a click elsewhere closes it
    assert page.locator("#row-menu").is_hidden()
    page.locator("#rows tr.folder a", has_text="sub/").click()
    page.locator("#rows tr.object[data-name='inside.txt']").wait_for()
    assert page.title() == f"{bucket}/docs/sub/ · s3-manager"
    page.locator("#rows tr.object a", has_text="inside.txt").click()  # a name opens the object's details
    page.wait_for_url(f"**/b/{bucket}/object?key=docs%2Fsub%2Finside.txt")
    assert page.title() == "inside.txt · s3-manager" and page.locator("#panel").count() == 1
    page.go_back()
    page.locator("#rows tr.object[data-name='inside.txt']").wait_for()


def tab_to(page: Any, name: str) -> None:
    """Press Tab until the focus is on the control called `name` (its label, aria-label or text), as a person would."""
    named = """() => { const el = document.activeElement;
        return (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || '').trim(); }"""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(named) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_upload_sort_share_and_delete_with_the_keyboard_only(page: Any, s3: Any, bucket: str, tmp_path: Any) -> None:
    put(s3, bucket, "docs/big.txt", body=b"x" * 5000)
    (tmp_path / "small.txt").write_bytes(b"tiny")
    # Set before any chooser opens: Playwright starts intercepting choosers when first asked, which can come late.
    page.on("filechooser", lambda chooser: chooser.set_files(str(tmp_path / "small.txt")))
    page.goto(f"/b/{bucket}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # opens the folder
    page.locator("#rows tr.object[data-name='big.txt']").wait_for()  # the folder swapped in
    tab_to(page, "Upload files")
    page.keyboard.press("Enter")  # the file chooser, answered by the handler set above
    page.locator("#rows tr.object[data-name='small.txt']").wait_for()
    assert all_keys(s3, bucket) == ["docs/big.txt", "docs/small.txt"]

    tab_to(page, "Size")
    page.keyboard.press("Enter")  # largest first
    names = page.locator("#rows tr[data-name]").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
    assert names == ["big.txt", "small.txt"]

    tab_to(page, "Actions for small.txt")
    page.keyboard.press("Enter")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # Share…
    page.wait_for_url("**/share?key=docs%2Fsmall.txt")
    page.get_by_role("button", name="Create presigned URL").wait_for()
    tab_to(page, "Create presigned URL")
    page.keyboard.press("Enter")
    assert web.get(page.locator("#share-url").input_value()).content == b"tiny"

    page.go_back()
    page.locator("#rows tr.object[data-name='small.txt'] a").focus()
    page.keyboard.press("Delete")  # asks on a page of its own, the safe choice first
    page.wait_for_url("**/delete?key=docs%2Fsmall.txt")
    page.locator("#panel form").get_by_role("button", name="Delete").wait_for()  # swapped in, not only addressed
    tab_to(page, "Delete")
    page.keyboard.press("Enter")
    page.wait_for_selector("#flash .notice:text('Deleted 1 object.')")
    assert all_keys(s3, bucket) == ["docs/big.txt"]


def test_loaded_rows_sort_by_size_date_or_name_and_say_when_more_pages_exist(page: Any, s3: Any, bucket: str) -> None:
    """Folders stay first; rows loaded later take their place; the count says the sort covers what is loaded, and
    a link sorts every file of the folder."""
    keys = [f"many/f{n:03}.bin" for n in range(205)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: put(s3, bucket, keys[n], body=b"x" * ((n * 37) % 101)), range(205)))
    put(s3, bucket, "many/a-sub/inside.txt")  # listed first, so on the first page
    sizes = {f"f{n:03}.bin": (n * 37) % 101 for n in range(205)}
    page.goto(f"/b/{bucket}?prefix=many%2F")  # one page of 200 rows: the folder and 199 files
    size_header = page.locator("table.objects th", has=page.locator("button", has_text="Size"))
    size_header.locator("button").click()
    assert size_header.get_attribute("aria-sort") == "descending"
    names = page.locator("#rows tr[data-name]").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
    assert names[0] == "a-sub" and [sizes[n] for n in names[1:]] == sorted((sizes[n] for n in names[1:]), reverse=True)
    assert page.locator("#item-count").inner_text().endswith("sorted by size, descending over the 200 loaded")
    page.locator("#more-rows").scroll_into_view_if_needed()  # the last 6 rows arrive, and take their place
    page.locator("#end-of-folder").wait_for()
    names = page.locator("#rows tr[data-name]").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
    assert len(names) == 206 and [sizes[n] for n in names[1:]] == sorted(sizes.values(), reverse=True)
    assert page.locator("#item-count").inner_text() == "1 folder, 205 files · sorted by size, descending"
    page.locator("table.objects button.sort", has_text="Name").click()
    names = page.locator("#rows tr[data-name]").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
    assert names == ["a-sub", *sorted(sizes)]
    assert page.locator("#sort-all").is_hidden()  # every row is loaded: the sort is the folder's
    page.goto(f"/b/{bucket}?prefix=many%2F")  # one page again (a reload would scroll down, and load the rest)
    size_header.locator("button").click()  # the link sorts every file of the folder, on the search page
    page.get_by_role("link", name="Sort every file").click()
    page.locator("#scan-progress", has_text="sorted").wait_for()
    assert "sort=-size" in page.url and "within=folder" in page.url
    shown = page.locator("#results tr td:first-child a").all_inner_texts()
    assert shown == sorted(sizes, key=lambda name: (sizes[name], name), reverse=True)  # not inside.txt: below


def test_the_grid_view_shows_images_loaded_from_the_store(
    page: Any, live_gateway: Any, s3: Any, bucket: str, moto_endpoint: str
) -> None:
    """Thumbnails are the images themselves, signed for the page and fetched by the browser from the store: not a
    byte of them through the gateway; too large an image, and any other file, keep their icon."""
    for name in ("aurora", "dunes", "meadow"):
        s3.put_object(Bucket=bucket, Key=f"pics/{name}.png", Body=landscape(320, 200, 0.5, 0.3))
    s3.put_object(Bucket=bucket, Key="pics/huge.png", Body=b"\0" * (THUMBNAIL_MAX_BYTES + 1))
    put(s3, bucket, "pics/notes.txt", "pics/sub/inside.png")
    page.goto(f"/b/{bucket}?prefix=pics%2F")
    live_gateway.proxy.reset()
    page.get_by_role("navigation", name="View").get_by_role("link", name="Grid").click()
    page.wait_for_url(f"**/b/{bucket}?prefix=pics%2F&view=grid")
    page.wait_for_function("() => [...document.querySelectorAll('#rows img')].every((i) => i.complete)")
    images = page.locator("#rows img").evaluate_all("(all) => all.map((i) => [i.naturalWidth, i.src])")
    assert [width for width, _ in images] == [320, 320, 320]
    assert all(src.startswith(moto_endpoint) for _, src in images)  # from the store
    assert live_gateway.proxy.from_gateway < 32 * 1024  # the page's own HTML, and nothing of the images
    assert page.locator("#rows tr.object:not(:has(img))").evaluate_all("(rows) => rows.map((r) => r.dataset.name)") == [
        "huge.png",
        "notes.txt",
    ]
    page.reload()  # the view has its address
    assert page.locator("table.objects.grid #rows img").count() == 3
    page.get_by_role("link", name="List").click()
    page.wait_for_url(f"**/b/{bucket}?prefix=pics%2F")
    assert page.locator("#rows img").count() == 0


def test_the_new_bucket_options_fit_a_phone_when_open(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/")
    page.click("details.bucket-options summary")
    page.get_by_label("Object lock", exact=False).wait_for()
    assert overflow(page) <= 0

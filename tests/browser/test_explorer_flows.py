"""What a person does in the explorer, in headless Chromium against granian and a moto server."""

from __future__ import annotations

import base64
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from gateway.demo import ODD_NAMES
from tests.browser.conftest import LiveGateway, throttle_uploads
from tests.conftest import all_keys, new_bucket, put, web

pytestmark = pytest.mark.browser


def row_link(page: Any, name: str) -> Any:
    return page.locator("#rows a", has_text=re.compile(f"^{re.escape(name)}/?$"))


def row_action(page: Any, name: str, action: str) -> None:
    """Choose `action` in the menu of the row named `name`."""
    page.locator(f"#rows tr[data-name={json.dumps(name, ensure_ascii=False)}] .menu-button").click()
    page.locator("#row-menu [role=menuitem]", has_text=re.compile(f"^{re.escape(action)}$")).click()


def test_upload_by_file_input_download_and_delete_without_bytes_through_the_gateway(
    page: Any, live_gateway: LiveGateway, s3: Any, bucket: str, tmp_path: Path
) -> None:
    body = os.urandom(3 * 1024 * 1024)
    source = tmp_path / "big file ü.bin"
    source.write_bytes(body)
    page.goto(f"/b/{bucket}")
    live_gateway.proxy.reset()

    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.done")
    row_link(page, "big file ü.bin").wait_for()
    assert s3.get_object(Bucket=bucket, Key="big file ü.bin")["Body"].read() == body

    with page.expect_download() as download:
        row_action(page, "big file ü.bin", "Download")
    saved = tmp_path / "downloaded.bin"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "big file ü.bin"
    assert saved.read_bytes() == body

    # 3 MiB went up and 3 MiB came down; the gateway saw only page fragments, JSON and redirects.
    assert live_gateway.proxy.to_gateway < 64 * 1024, live_gateway.proxy.to_gateway
    assert live_gateway.proxy.from_gateway < 256 * 1024, live_gateway.proxy.from_gateway

    row_action(page, "big file ü.bin", "Delete…")
    page.locator("#panel form").get_by_role("button", name="Delete").click()
    page.wait_for_selector("#flash .notice:text('Deleted 1 object.')")
    assert all_keys(s3, bucket) == []


def test_upload_by_drag_and_drop(page: Any, s3: Any, bucket: str) -> None:
    body = os.urandom(200_000)
    page.goto(f"/b/{bucket}")
    transfer = page.evaluate_handle(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.bin", { type: "application/octet-stream" }));
            return transfer;
        }""",
        base64.b64encode(body).decode(),
    )
    page.dispatch_event("#panel", "dragover", {"dataTransfer": transfer})
    assert "dragging" in (page.get_attribute("#panel", "class") or "")
    page.dispatch_event("#panel", "drop", {"dataTransfer": transfer})
    row_link(page, "dropped.bin").wait_for()
    assert s3.get_object(Bucket=bucket, Key="dropped.bin")["Body"].read() == body


def test_dropping_files_where_there_is_no_listing_says_where_to_drop_them(page: Any, s3: Any, bucket: str) -> None:
    """Issue 14, item 11: the details page has no upload address; nothing is sent, and the page says why."""
    put(s3, bucket, "docs/a.txt")
    page.goto(f"/b/{bucket}/object?key=docs%2Fa.txt")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    transfer = page.evaluate_handle(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["hello"], "dropped.txt", { type: "text/plain" }));
            return transfer;
        }"""
    )
    page.dispatch_event("#panel", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#panel", "drop", {"dataTransfer": transfer})
    page.locator("#flash", has_text="dropped on a folder's listing only").wait_for()
    assert sent == [] and all_keys(s3, bucket) == ["docs/a.txt"]
    assert page.url.endswith("/object?key=docs%2Fa.txt")  # the page was not replaced by the file


def test_upload_a_whole_folder_into_the_current_folder(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    tree = tmp_path / "album"
    (tree / "2026" / "nov").mkdir(parents=True)
    (tree / "cover.txt").write_text("cover")
    (tree / "2026" / "nov" / "a b.txt").write_text("deep")
    put(s3, bucket, "photos/")
    page.goto(f"/b/{bucket}?prefix=photos%2F")
    page.set_input_files("input.upload-input[webkitdirectory]", str(tree))
    page.wait_for_function("() => document.querySelectorAll('.upload.done').length === 2")
    row_link(page, "album").wait_for()
    assert sorted(all_keys(s3, bucket)) == ["photos/", "photos/album/2026/nov/a b.txt", "photos/album/cover.txt"]


def test_replacing_an_existing_object_asks_first(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    put(s3, bucket, "same.txt", body=b"original")
    (tmp_path / "same.txt").write_bytes(b"replacement")
    page.goto(f"/b/{bucket}")

    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "same.txt"))
    asked = page.locator("dialog#confirm")
    assert asked.locator("p").inner_text() == "1 file(s) already exist and would be replaced. Replace them?"
    assert asked.locator("pre").inner_text() == "same.txt"
    assert page.evaluate("() => document.activeElement.textContent") == "Cancel"  # the safe choice first
    page.keyboard.press("Escape")
    page.locator("#flash", has_text="Nothing uploaded: the files that already exist were kept.").wait_for()
    assert page.locator(".upload").count() == 0
    assert s3.get_object(Bucket=bucket, Key="same.txt")["Body"].read() == b"original"

    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "same.txt"))
    asked.get_by_role("button", name="Replace them").click()
    page.wait_for_selector(".upload.done")
    assert s3.get_object(Bucket=bucket, Key="same.txt")["Body"].read() == b"replacement"


def test_cancel_stops_an_upload(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    (tmp_path / "slow.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    page.goto(f"/b/{bucket}")
    throttle_uploads(page, 64 * 1024)
    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "slow.bin"))
    page.wait_for_selector(".upload .state:text('0 %')")
    with page.expect_event("requestfailed", lambda r: r.method == "PUT") as stopped:  # the PUT itself ends
        page.locator(".upload button", has_text="Cancel").click()
    assert stopped.value.failure is not None
    page.wait_for_selector(".upload.failed .state:text('cancelled')")
    assert all_keys(s3, bucket) == []


def test_page_through_450_keys_in_three_pages(page: Any, s3: Any, bucket: str) -> None:
    keys = [f"many/item-{n:05d}.txt" for n in range(450)]  # pages of 200: three prove the paging
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: put(s3, bucket, key), keys))
    page.goto(f"/b/{bucket}?prefix=many%2F")
    assert page.locator("tr.object").count() == 200  # the first page only
    while page.locator("#more-rows").count():
        page.locator("#more-rows a").scroll_into_view_if_needed()
        page.wait_for_function(
            "(n) => document.querySelectorAll('tr.object').length > n || !document.querySelector('#more-rows')",
            arg=page.locator("tr.object").count(),
        )
    names = page.locator("tr.object td:nth-child(2) a").all_inner_texts()
    assert names == [key.removeprefix("many/") for key in keys]

    page.fill(".row-filter", "item-0044")
    visible = page.locator("tr.object:not([hidden]) td:nth-child(2) a").all_inner_texts()
    assert visible == [f"item-0044{n}.txt" for n in range(10)]


def test_walk_folders_with_breadcrumbs_back_forward_and_reload(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "a/b/c.txt", "a/top.txt", "root.txt")
    page.goto(f"/b/{bucket}")
    row_link(page, "a").click()
    page.wait_for_url(re.compile(r"prefix=a%2F$"))
    row_link(page, "top.txt").wait_for()
    row_link(page, "b").click()
    page.wait_for_url(re.compile(r"prefix=a%2Fb%2F$"))
    row_link(page, "c.txt").wait_for()
    assert page.locator(".crumbs a").all_inner_texts() == ["buckets", bucket, "a", "b"]

    page.go_back()
    page.wait_for_url(re.compile(r"prefix=a%2F$"))
    row_link(page, "top.txt").wait_for()
    page.go_back()
    page.wait_for_url(re.compile(f"/b/{bucket}$"))
    row_link(page, "root.txt").wait_for()
    page.go_forward()
    page.wait_for_url(re.compile(r"prefix=a%2F$"))
    row_link(page, "b").wait_for()
    page.reload()
    row_link(page, "top.txt").wait_for()

    page.locator(".crumbs a", has_text=bucket).click()
    page.wait_for_url(re.compile(f"/b/{bucket}$"))
    page.fill("input[name=prefix]", "a/b/")
    page.locator(".toolbar button", has_text="Go").click()
    page.wait_for_url(re.compile(r"prefix=a%2Fb%2F$"))
    row_link(page, "c.txt").wait_for()


def test_the_header_switches_bucket_and_a_menu_closes_on_escape_or_a_click_elsewhere(
    page: Any, s3: Any, bucket: str
) -> None:
    other = new_bucket(s3)
    put(s3, other, "there.txt")
    page.goto(f"/b/{bucket}")
    switcher = page.locator("header .switcher")
    switcher.locator("summary").focus()
    page.keyboard.press("Enter")
    page.locator("header .switcher a[aria-current=page]", has_text=bucket).wait_for()  # filled when first opened
    page.keyboard.press("Escape")
    assert switcher.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    switcher.locator("summary").click()
    page.locator("h1, .crumbs").first.click()  # elsewhere
    assert switcher.get_attribute("open") is None
    switcher.locator("summary").click()
    switcher.get_by_role("link", name=other, exact=True).click()
    row_link(page, "there.txt").wait_for()
    assert page.locator("header .switcher summary").inner_text() == other


def test_create_a_folder_then_delete_it_recursively_after_confirming(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "keep/b/1", "keep/b/2", "keep/bc/3")
    page.goto(f"/b/{bucket}?prefix=keep%2F")
    page.locator("summary", has_text="New folder").click()
    page.fill("input[name=name]", "fresh")
    page.locator("button", has_text="Create folder").click()
    row_link(page, "fresh").wait_for()
    assert "keep/fresh/" in all_keys(s3, bucket)

    row_action(page, "b", "Delete…")
    page.wait_for_selector("text=This deletes")
    assert page.locator(".count").inner_text() == "2"
    page.locator("button", has_text="Delete 2 objects").click()
    page.wait_for_selector("#flash .notice:text('Folder keep/b/: Deleted 2 objects.')")
    assert sorted(all_keys(s3, bucket)) == ["keep/bc/3", "keep/fresh/"]


def test_awkward_names_render_as_text(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    put(s3, bucket, *ODD_NAMES)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"/b/{bucket}?prefix=odd+names%2F")
    row_link(page, "<img src=x onerror=alert(1)>.txt").wait_for()
    assert page.locator("#rows img").count() == 0
    with page.expect_download() as download:
        row_action(page, "hash#tag.txt", "Download")
    assert download.value.suggested_filename == "hash#tag.txt"
    assert dialogs == []  # and no <img> exists (above) whose onerror could still raise one


def test_share_a_file_copy_the_link_and_download_with_it(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "reports/q3 summary.txt", body=b"shared bytes")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/b/{bucket}?prefix=reports/")
    row_action(page, "q3 summary.txt", "Share…")
    presigned = page.locator("form.share-kind", has=page.locator("input[value=presigned]"))
    presigned.locator("select[name=seconds]").select_option("86400")
    presigned.get_by_role("button", name="Create presigned URL").click()
    link = page.locator("#share-url").input_value()
    assert "X-Amz-Expires=86400" in link
    page.click("button[data-copy]")
    page.wait_for_selector("button[data-copy]:text('Copied')")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    assert web.get(link).content == b"shared bytes"

    gateway = page.locator("form.share-kind", has=page.locator("input[value=gateway]"))
    gateway.locator("select[name=seconds]").select_option(str(365 * 86400))
    gateway.get_by_role("button", name="Create gateway link").click()
    page.wait_for_function("() => document.querySelector('#share-url').value.includes('/s/')")
    gateway_link = page.locator("#share-url").input_value()
    assert web.get(gateway_link, follow_redirects=True).content == b"shared bytes"


def test_details_show_hostile_metadata_as_text(page: Any, s3: Any, bucket: str) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    s3.put_object(Bucket=bucket, Key="m.txt", Body=b"x", Metadata={"note": hostile})  # tags may not hold markup
    page.goto(f"/b/{bucket}")
    row_action(page, "m.txt", "Details")
    page.wait_for_selector("table.metadata")
    assert page.locator("table.metadata td").inner_text() == hostile
    assert page.evaluate("() => window.pwned") is None and page.locator("table img").count() == 0
    assert page.url.endswith("/object?key=m.txt")  # a URL of its own: reload and back work


def test_restore_an_old_version_then_download_it(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="plan.txt", Body=b"the good plan")["VersionId"]
    s3.put_object(Bucket=bucket, Key="plan.txt", Body=b"the bad edit")
    page.goto(f"/b/{bucket}")
    row_action(page, "plan.txt", "Details")
    page.locator(f"tr.version:has(code:text('{first}')) button:text('Restore')").click()
    page.wait_for_selector(f".notice:text('Restored version {first}.')")
    assert page.locator("tr.version").count() == 3
    with page.expect_download() as download:
        page.click("a.button:text('Download')")
    saved = tmp_path / "plan.txt"
    download.value.save_as(saved)
    assert saved.read_bytes() == b"the good plan"


def test_previews_show_an_image_and_text_from_the_store_with_markup_inert(page: Any, s3: Any, bucket: str) -> None:
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg=="
    )
    s3.put_object(Bucket=bucket, Key="dot.png", Body=png, ContentType="image/png")
    note = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> plain text'
    s3.put_object(Bucket=bucket, Key="note.txt", Body=note.encode(), ContentType="text/plain")
    page.goto(f"/b/{bucket}/object?key=dot.png")
    page.wait_for_function("() => document.querySelector('.preview img').naturalWidth === 1")
    page.goto(f"/b/{bucket}/object?key=note.txt")
    page.wait_for_function("() => document.querySelector('pre[data-preview-text]').textContent !== 'Loading…'")
    assert page.locator("pre[data-preview-text]").inner_text() == note
    assert page.evaluate("() => window.pwned") is None


def test_edit_metadata_in_the_page_then_see_it_on_a_presigned_get(page: Any, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="data.json", Body=b"{}", ContentType="application/octet-stream")
    page.goto(f"/b/{bucket}/object?key=data.json")
    page.click("details.edit summary")
    page.fill("input[name=content_type]", "application/json")
    page.fill("textarea[name=metadata]", "source: nightly-export")
    page.click("details.edit button:text('Save')")
    page.wait_for_selector(".notice:text('Saved.')")
    url = page.locator("a.button:text('Download')").get_attribute("href")
    answer = web.get(page.url.split("/b/")[0] + url, follow_redirects=True)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-amz-meta-source"] == "nightly-export"


def test_a_copy_that_meets_a_gateway_error_page_says_so_and_can_start_again(page: Any, s3: Any, bucket: str) -> None:
    """Issue 15, item 5: a proxy's HTML 502 once left the Start button disabled and the page silent."""
    put(s3, bucket, "docs/a.txt")
    page.goto(f"/b/{bucket}/transfer/?key=docs%2Fa.txt")
    page.fill("input[name=target]", "copies/a.txt")
    transfer = re.compile(r"/transfer/?$")
    page.route(transfer, lambda route: route.fulfill(status=502, body="<html>Bad Gateway</html>")
               if route.request.method == "POST" else route.continue_())  # fmt: skip
    page.click("button:text('Start')")
    page.locator(".transfer .state.failed", has_text="the gateway answered 502").wait_for()
    page.unroute(transfer)
    assert page.locator("button:text('Start')").is_enabled()
    page.click("button:text('Start')")
    page.wait_for_selector(".transfer .state.done")
    assert sorted(all_keys(s3, bucket)) == ["copies/a.txt", "docs/a.txt"]


def test_copy_into_another_bucket_choosing_the_folder_by_browsing(page: Any, s3: Any, bucket: str) -> None:
    other = new_bucket(s3)
    put(s3, bucket, "docs/a.txt")
    put(s3, other, "archive/2026/keep.txt")
    page.goto(f"/b/{bucket}/transfer/?key=docs%2Fa.txt")
    page.get_by_role("button", name="Choose a folder…").click()
    page.locator(".folder-picker[data-prefix='docs/']").wait_for()  # it starts where the source is
    page.select_option("select[name=target_bucket]", other)  # another bucket: its root
    page.locator(".folder-picker[data-prefix='']").get_by_role("button", name="archive/").click()
    page.locator(".folder-picker[data-prefix='archive/']").get_by_role("button", name="2026/").click()
    page.locator(".folder-picker[data-prefix='archive/2026/']").wait_for()  # the target follows once htmx settles:
    page.wait_for_function("() => document.querySelector('input[name=target]').value === 'archive/2026/a.txt'")
    page.click("button:text('Start')")
    page.wait_for_selector(".transfer .state.done")
    assert all_keys(s3, other) == ["archive/2026/a.txt", "archive/2026/keep.txt"]


@pytest.mark.slow
def test_move_a_folder_of_1050_objects_with_progress(seaweed_page: Any, seaweed_s3: Any) -> None:
    """Two requests of the page (over 1,000 keys), on SeaweedFS: it writes, copies and deletes them in seconds."""
    page, s3, bucket = seaweed_page, seaweed_s3, new_bucket(seaweed_s3)
    keys = [f"batch/{n:04}.txt" for n in range(1050)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: put(s3, bucket, k), keys))
    put(s3, bucket, "batch-keep.txt")
    page.goto(f"/b/{bucket}")
    row_action(page, "batch", "Copy/move…")
    page.fill("input[name=target]", "moved/batch/")
    page.check("input[name=move]")
    page.click("button:text('Start')")
    page.wait_for_selector(".transfer .state.done", timeout=120000)
    done = page.locator(".transfer .state")  # counted as "more than 1,000", so the end was not known before
    assert done.inner_text() == f"Moved 1050. Done. Open {bucket}/moved/batch/"
    assert page.locator(".transfer progress").evaluate("(bar) => bar.value") == 1050
    assert sorted(all_keys(s3, bucket)) == sorted(["batch-keep.txt", *("moved/" + k for k in keys)])
    done.get_by_role("link").click()  # after a move, a link to the result
    page.locator("#rows tr[data-name='0000.txt']").wait_for()


def test_keyboard_moves_opens_searches_and_deletes(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "alpha/inside.txt", "beta.txt", "gamma.txt")
    page.goto(f"/b/{bucket}")
    page.keyboard.press("ArrowDown")  # the first row: the folder
    assert page.evaluate("() => document.activeElement.closest('tr').dataset.name") == "alpha"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.closest('tr').dataset.name") == "gamma.txt"
    page.keyboard.press("Delete")  # asks first, on a page of its own
    page.wait_for_url(f"**/b/{bucket}/delete?key=gamma.txt")
    page.locator("#panel form").get_by_role("button", name="Delete").click()
    page.wait_for_selector("#flash .notice:text('Deleted 1 object.')")
    assert page.url.endswith(f"/b/{bucket}")  # back in the folder, by its address
    assert sorted(all_keys(s3, bucket)) == ["alpha/inside.txt", "beta.txt"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # opens the folder
    page.wait_for_selector("tr.object[data-name='inside.txt']")
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.name") == "prefix"


def test_deleting_a_selection_of_files_and_folders_asks_on_a_page_that_counts_them(
    page: Any, s3: Any, bucket: str
) -> None:
    put(s3, bucket, "s/1.txt", "s/2.txt", "s/3.txt", "s/sub/a.txt", "s/sub/b.txt", "s/subway.txt")
    page.goto(f"/b/{bucket}?prefix=s%2F")
    bar = page.get_by_role("region", name="Selection")
    assert bar.is_hidden()  # nothing selected, no bar
    for name in ("1.txt", "3.txt", "sub"):
        page.check(f"#rows tr[data-name='{name}'] input[type=checkbox]")
    assert bar.locator("#selected-count").inner_text() == "2 files and 1 folder selected"
    bar.get_by_role("button", name="Delete…").click()
    page.get_by_role("heading", name="Delete 4 objects?").wait_for()
    assert page.locator(".doomed li").all_inner_texts() == [
        "s/sub/ and everything under it (2 objects)",
        "s/1.txt",
        "s/3.txt",
    ]
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_selector("#rows tr[data-name='2.txt']")
    assert len(all_keys(s3, bucket)) == 6
    page.check("#rows tr[data-name='sub'] input[type=checkbox]")
    page.get_by_role("region", name="Selection").get_by_role("button", name="Delete…").click()
    page.get_by_role("button", name="Delete 2 objects").click()
    page.wait_for_selector("#flash .notice:text('Deleted 2 objects.')")
    assert sorted(all_keys(s3, bucket)) == ["s/1.txt", "s/2.txt", "s/3.txt", "s/subway.txt"]
    assert page.evaluate("location.search") == "?prefix=s%2F"


def test_the_upload_panel_sums_up_retries_a_failure_and_clears(page: Any, s3: Any, bucket: str, tmp_path: Path) -> None:
    put(s3, bucket, *(f"f/{n:03}.txt" for n in range(60)))  # a folder longer than the window
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(name.encode() * 1000)
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"/b/{bucket}?prefix=f%2F")
    panel = page.get_by_role("region", name="Uploads")
    assert panel.is_hidden()
    refused = {"b.txt"}  # the store refuses b.txt's first PUT

    def store(route: Any) -> None:
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        if route.request.method == "PUT" and name in refused:
            refused.discard(name)
            route.fulfill(status=503, body="<Error><Message>Slow down</Message></Error>")
        else:
            route.continue_()

    page.route(re.compile(r"^(?!.*/b/).*\.txt\?"), store)
    page.set_input_files("input.upload-input[multiple]", [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")])
    page.wait_for_function("() => document.querySelectorAll('.upload.done, .upload.failed').length === 3")
    assert panel.locator("#upload-summary").inner_text() == "2 uploaded, 1 failed · 14.6 KiB"
    assert panel.locator("[role=status]").inner_text() == "2 uploaded, 1 failed · 14.6 KiB"  # said aloud
    box = panel.bounding_box()  # in sight in the bottom corner, however long the folder
    assert box["y"] + box["height"] <= 700 and box["x"] + box["width"] <= 1280 and box["x"] > 640
    failed = panel.locator(".upload.failed")
    assert "failed: 503 Slow down" in failed.locator(".state").inner_text()
    failed.get_by_role("button", name="Retry").click()
    page.wait_for_function("() => document.querySelectorAll('.upload.done').length === 3")
    assert panel.locator("#upload-summary").inner_text() == "3 uploaded · 14.6 KiB"
    assert [k for k in all_keys(s3, bucket) if k.endswith(("a.txt", "b.txt", "c.txt"))] == [
        "f/a.txt",
        "f/b.txt",
        "f/c.txt",
    ]
    page.locator("#rows tr.fresh[data-name='b.txt']").wait_for()  # the new rows, highlighted
    panel.get_by_role("button", name="Hide").click()
    assert panel.locator("#upload-list").is_hidden() and panel.get_by_role("button", name="Show").is_visible()
    panel.get_by_role("button", name="Clear finished").click()
    assert panel.is_hidden()


def test_rename_an_object_and_a_folder_each_on_a_page_of_its_own(page: Any, s3: Any, bucket: str) -> None:
    put(s3, bucket, "docs/draft.txt", "docs/taken.txt", "docs/old/a.txt", "docs/old/b/c.txt", "docs/new/x.txt")
    page.goto(f"/b/{bucket}?prefix=docs%2F")
    row_action(page, "draft.txt", "Rename…")
    page.wait_for_url(f"**/b/{bucket}/rename?key=docs%2Fdraft.txt")
    assert page.title() == "Rename draft.txt · s3-manager"
    page.reload()  # the form has its own address
    page.fill("input[name=name]", "taken.txt")
    page.get_by_role("button", name="Rename").click()
    page.locator("#flash", has_text="taken.txt already exists here").wait_for()  # never an overwrite
    page.fill("input[name=name]", "final.txt")
    page.get_by_role("button", name="Rename").click()
    page.locator("#flash", has_text="Renamed draft.txt to final.txt.").wait_for()
    assert page.evaluate("location.search") == "?prefix=docs%2F"
    row_action(page, "old", "Rename…")
    page.wait_for_url(f"**/b/{bucket}/rename?prefix=docs%2Fold%2F")
    page.fill("input[name=name]", "new")
    page.get_by_role("button", name="Rename").click()
    page.locator(".transfer .state.failed", has_text="docs/new/ already exists").wait_for()
    page.fill("input[name=name]", "newer")
    page.get_by_role("button", name="Rename").click()
    page.locator(".transfer .state.done").get_by_role("link", name=f"Open {bucket}/docs/newer/").click()
    page.locator("#rows tr[data-name='a.txt']").wait_for()
    assert sorted(all_keys(s3, bucket)) == [
        "docs/final.txt",
        "docs/new/x.txt",
        "docs/newer/a.txt",
        "docs/newer/b/c.txt",
        "docs/taken.txt",
    ]
    page.go_back()
    page.wait_for_url(f"**/b/{bucket}/rename?prefix=docs%2Fold%2F")

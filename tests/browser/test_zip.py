"""Download as zip (issue 18, item 4), in Chromium against SeaweedFS, which checks every signature and CORS: the
archive unzips with Python's zipfile to the same names and bytes, and none of those bytes went through the gateway
(its counting proxy). Written to a file as it goes where the browser can (the File System Access API: the save
picker is a native dialog, so the test's picker hands out a file of the page's own private storage instead), and
through memory, up to a limit said before anything is fetched, where it cannot."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.browser.conftest import LiveGateway
from tests.conftest import new_bucket, put

pytestmark = pytest.mark.browser

BIG = os.urandom(3 * 1024 * 1024)  # more than every other byte the page exchanges with the gateway
FOLDER = {
    "zip/a b/ünï %+#?.txt": b"odd name",
    "zip/'quote\".txt": b"quote",
    "zip/<b>markup</b>.html": b"<b>inert</b>",
    "zip/deep/er/est/big.bin": BIG,
    "zip/deep/empty.txt": b"",
}
# Keys a filer store (SeaweedFS) folds or refuses, but S3 (and moto) keep. Unzip tools drop an empty segment, so it is
# written as "_"; a browser cannot fetch a key with a "." or ".." segment (its URL parser takes them out), so those
# are left out, and the line says so.
ODD = {"zip/a//double.txt": "zip/a/_/double.txt", "zip/x//y//z.txt": "zip/x/_/y/_/z.txt"}
UNFETCHABLE = ["zip/../up.txt", "zip/./here.txt"]

PICKER = """
window.showSaveFilePicker = async ({ suggestedName }) => {
  window.savedAs = suggestedName;
  const root = await navigator.storage.getDirectory();
  return root.getFileHandle(suggestedName, { create: true });
};
"""
READ_SAVED = """async (name) => {
  const file = await (await (await navigator.storage.getDirectory()).getFileHandle(name)).getFile();
  const reader = new FileReader();
  const url = await new Promise((done) => { reader.onload = () => done(reader.result); reader.readAsDataURL(file); });
  return url.slice(url.indexOf(",") + 1);
}"""


@pytest.fixture(name="zip_bucket", scope="module")
def fx_zip_bucket(seaweed_s3: Any) -> str:
    bucket = new_bucket(seaweed_s3)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: seaweed_s3.put_object(Bucket=bucket, Key=item[0], Body=item[1]), FOLDER.items()))
    seaweed_s3.put_object(Bucket=bucket, Key="zip-sibling/not-below.txt", Body=b"x")
    seaweed_s3.put_object(Bucket=bucket, Key="top.txt", Body=b"top level")
    return bucket


def unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every member's CRC-32 is right
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_line(page: Any) -> Any:
    return page.locator("#upload-list .upload").last


def zip_ended(page: Any) -> str:
    """The zip line's last words, once it is done or failed (while it lists, it also counts "N objects")."""
    page.locator("#upload-list .upload.done, #upload-list .upload.failed").wait_for()
    return str(zip_line(page).locator(".state").inner_text())


def test_a_folder_zips_to_a_chosen_file_with_every_name_and_byte_and_none_through_the_gateway(
    seaweed_page: Any, seaweed_gateway: LiveGateway, zip_bucket: str
) -> None:
    page = seaweed_page
    page.add_init_script(PICKER)
    page.goto(f"/b/{zip_bucket}")
    seaweed_gateway.proxy.reset()
    page.get_by_role("button", name="Actions for zip/", exact=True).click()
    page.get_by_role("menuitem", name="Download as zip").click()
    assert zip_ended(page) == f"{len(FOLDER)} objects"
    assert page.evaluate("window.savedAs") == "zip.zip"
    saved = base64.b64decode(page.evaluate(READ_SAVED, "zip.zip"))
    assert unzipped(saved) == FOLDER  # below the folder's parent: the archive holds zip/ itself
    assert page.locator("#upload-summary").inner_text().startswith("1 saved · ")
    through = seaweed_gateway.proxy.to_gateway + seaweed_gateway.proxy.from_gateway
    assert through < len(BIG) / 10, f"{through} bytes went through the gateway for a {len(saved)}-byte archive"


def test_a_selection_zips_through_memory_where_the_browser_cannot_write_a_file(
    seaweed_page: Any, zip_bucket: str
) -> None:
    page = seaweed_page
    page.add_init_script("delete window.showSaveFilePicker; delete Window.prototype.showSaveFilePicker;")
    page.goto(f"/b/{zip_bucket}")
    page.get_by_label("Select top.txt").check()
    page.get_by_label("Select zip/").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as zip").click()
    assert download.value.suggested_filename == f"{zip_bucket}.zip"
    with open(download.value.path(), "rb") as saved:
        files = unzipped(saved.read())
    assert files == {"top.txt": b"top level", **FOLDER}


def test_a_zip_too_large_for_memory_is_refused_before_anything_is_fetched(seaweed_page: Any, zip_bucket: str) -> None:
    page = seaweed_page
    page.add_init_script("delete window.showSaveFilePicker; delete Window.prototype.showSaveFilePicker;")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "X-Amz-Signature" in request.url else None)
    page.goto(f"/b/{zip_bucket}")
    page.locator("#panel").evaluate("(panel) => { panel.dataset.zipMemoryLimit = String(1024 * 1024); }")
    page.get_by_label("Select zip/").check()
    page.get_by_role("button", name="Download as zip").click()
    refusal = zip_line(page).locator(".state")
    refusal.filter(has_text="more than this browser can hold").wait_for()
    assert refusal.inner_text().startswith("3.0 MiB is more than this browser can hold (1.0 MiB)")
    assert fetched == []


def test_key_segments_that_unzip_tools_drop_or_follow_out_are_written_as_underscores(page: Any, s3: Any) -> None:
    bucket = new_bucket(s3)
    for key in [*ODD, *UNFETCHABLE]:
        put(s3, bucket, key, body=key.encode())
    page.add_init_script(PICKER)
    page.goto(f"/b/{bucket}")
    page.get_by_role("button", name="Actions for zip/", exact=True).click()
    page.get_by_role("menuitem", name="Download as zip").click()
    assert zip_ended(page) == '2 objects; left out 2 with a "." or ".." in the path, which a browser cannot fetch'
    saved = base64.b64decode(page.evaluate(READ_SAVED, "zip.zip"))
    assert unzipped(saved) == {name: key.encode() for key, name in ODD.items()}


def test_cancel_stops_the_zip_and_leaves_nothing_half_written(seaweed_page: Any, zip_bucket: str) -> None:
    page = seaweed_page
    page.add_init_script(PICKER)
    held: list[Any] = []
    page.route("**/big.bin?*", lambda route: held.append(route))  # the large object does not come
    page.goto(f"/b/{zip_bucket}")
    page.get_by_role("button", name="Actions for zip/", exact=True).click()
    page.get_by_role("menuitem", name="Download as zip").click()
    page.wait_for_function("() => document.querySelector('#upload-list .upload .state').textContent.endsWith('%')")
    zip_line(page).get_by_role("button", name="Cancel").click()
    assert zip_line(page).locator(".state").inner_text() == "cancelled"
    assert held, "the zip was cancelled while it waited for the large object"
    for route in held:  # the object comes after all: a zip that went on would now be written to the file
        with contextlib.suppress(Exception):  # the page aborted the request: nothing to continue
            route.continue_()
    page.wait_for_timeout(1000)
    assert page.evaluate(READ_SAVED, "zip.zip") == ""  # the chosen file holds nothing of the archive

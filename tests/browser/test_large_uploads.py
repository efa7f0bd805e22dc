"""Large uploads in Chromium against SeaweedFS, which checks every signature and policy.

Unmodified Uppy through the /s3/ routes (a POST policy for the small file, parallel parts for the large one), and
the explorer's own multipart upload, interrupted and resumed without sending the stored parts again.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import PartTraffic, browser_page, hold_until_parallel, throttle_uploads
from tests.conftest import all_keys, new_bucket, web

pytestmark = pytest.mark.browser
MIB = 1024 * 1024
RETRY_DELAY_MS = 1500  # multipart.js tries a failed part again after 1 s


def test_uppy_uploads_a_small_file_by_post_and_a_large_one_in_parallel_parts(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    page = seaweed_page
    bucket = new_bucket(seaweed_s3)
    small, large = os.urandom(1 * MIB), os.urandom(30 * MIB)
    (tmp_path / "small.bin").write_bytes(small)
    (tmp_path / "large.bin").write_bytes(large)
    traffic = PartTraffic(page)
    hold_until_parallel(page)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and f"/{bucket}" in r.url else None)

    page.goto(f"/uppy?bucket={bucket}&prefix=up%2F")
    page.wait_for_function("() => window.s3mUppy !== undefined")
    page.locator("input.uppy-Dashboard-input").first.set_input_files(
        [str(tmp_path / "small.bin"), str(tmp_path / "large.bin")]
    )
    page.locator(".uppy-StatusBar-actionBtn--upload").click()
    page.wait_for_function(
        "() => s3mUppy.getFiles().length === 2 && s3mUppy.getFiles().every((f) => f.progress.uploadComplete)",
        timeout=120000,
    )

    assert seaweed_s3.get_object(Bucket=bucket, Key="up/small.bin")["Body"].read() == small
    assert seaweed_s3.get_object(Bucket=bucket, Key="up/large.bin")["Body"].read() == large
    assert sorted(traffic.sent) == [1, 2, 3, 4, 5, 6]  # 30 MiB in 5 MiB parts; the small file sent none
    assert len(posts) == 1  # the small file's form upload


def test_the_explorer_resumes_a_multipart_upload_without_resending_stored_parts(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    page = seaweed_page
    bucket = new_bucket(seaweed_s3)
    body = os.urandom(30 * MIB)  # six 5 MiB parts
    source = tmp_path / "movie.bin"
    source.write_bytes(body)
    page.goto(f"/b/{bucket}")

    # First attempt: the network drops every try of parts 4 to 6.
    cut = re.compile(r"partNumber=[4-6](&|$)")
    page.route(cut, lambda route: route.abort())
    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.failed", timeout=60000)
    assert "pick the same file again to resume" in page.locator(".upload.failed .state").inner_text()
    pending = seaweed_s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["Key"] for u in pending] == ["movie.bin"]
    stored = seaweed_s3.list_parts(Bucket=bucket, Key="movie.bin", UploadId=pending[0]["UploadId"])["Parts"]
    assert [p["PartNumber"] for p in stored] == [1, 2, 3]

    # A reload later, with the network back: the page offers to resume, and sends only the missing parts.
    page.reload()
    page.unroute(cut)
    assert "Unfinished upload of movie.bin" in page.locator("#resumable").inner_text()
    traffic = PartTraffic(page)
    hold_until_parallel(page)  # the three missing parts go in parallel
    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.done", timeout=60000)
    assert sorted(traffic.sent) == [4, 5, 6]
    assert seaweed_s3.get_object(Bucket=bucket, Key="movie.bin")["Body"].read() == body
    assert seaweed_s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    page.wait_for_function("() => !document.querySelector('#resumable').textContent.includes('movie.bin')")
    assert all_keys(seaweed_s3, bucket) == ["movie.bin"]


def test_an_upload_that_failed_sends_no_more_parts(seaweed_page: Any, seaweed_s3: Any, tmp_path: Path) -> None:
    """Once the page says an upload failed, the other parts stop, in flight or waiting to be tried again: what the
    store holds is what the page said (found when CI's resume test saw parts 5 and 6 arrive after the failure)."""
    page = seaweed_page
    bucket = new_bucket(seaweed_s3)
    source = tmp_path / "movie.bin"
    source.write_bytes(os.urandom(30 * MIB))  # six 5 MiB parts
    page.goto(f"/b/{bucket}")
    hanging: list[Any] = []

    def cut(route: Any) -> None:
        """Part 4 fails at every try; the first tries of parts 5 and 6 hang until the upload has failed."""
        if len(hanging) < 2 and "partNumber=4" not in route.request.url:
            hanging.append(route)
        else:
            route.abort()

    parts_4_to_6 = re.compile(r"partNumber=[4-6](&|$)")
    page.route(parts_4_to_6, cut)
    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.failed", timeout=60000)
    late = PartTraffic(page)
    page.unroute(parts_4_to_6)  # the network is back: another try of part 5 or 6 would now be stored
    for route in hanging:
        with contextlib.suppress(PlaywrightError):  # the page gave the request up already
            route.abort()
    page.wait_for_timeout(RETRY_DELAY_MS)  # nothing to wait for: the point is that nothing comes
    assert late.sent == []
    upload_id = seaweed_s3.list_multipart_uploads(Bucket=bucket)["Uploads"][0]["UploadId"]
    stored = seaweed_s3.list_parts(Bucket=bucket, Key="movie.bin", UploadId=upload_id)["Parts"]
    assert [p["PartNumber"] for p in stored] == [1, 2, 3]


def interrupt_an_upload(page: Any, s3: Any, bucket: str, source: Path) -> str:
    """Upload `source` (16 MiB: parts of 5, 5, 5 and 1 MiB) with parts 3 and 4 cut off; its upload id on the store."""
    page.goto(f"/b/{bucket}")
    cut = re.compile(r"partNumber=[34](&|$)")
    page.route(cut, lambda route: route.abort())
    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.failed", timeout=60000)
    page.unroute(cut)
    pending = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["Key"] for u in pending] == [source.name]
    return str(pending[0]["UploadId"])


def resume(page: Any, source: Path) -> list[int]:
    """Reload, pick the same file again, wait for the upload to end; the part numbers sent."""
    page.reload()
    traffic = PartTraffic(page)
    page.set_input_files("input.upload-input[multiple]", str(source))
    page.wait_for_selector(".upload.done", timeout=60000)
    return sorted(traffic.sent)


def test_a_resume_after_the_upload_was_aborted_on_the_store_starts_afresh(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    """Issue 14, item 10: the page remembered an upload id that no longer exists; it must not keep using it."""
    bucket = new_bucket(seaweed_s3)
    body = os.urandom(16 * MIB)
    source = tmp_path / "aborted.bin"
    source.write_bytes(body)
    upload_id = interrupt_an_upload(seaweed_page, seaweed_s3, bucket, source)
    seaweed_s3.abort_multipart_upload(Bucket=bucket, Key="aborted.bin", UploadId=upload_id)
    assert resume(seaweed_page, source) == [1, 2, 3, 4]
    assert seaweed_s3.get_object(Bucket=bucket, Key="aborted.bin")["Body"].read() == body


def test_a_resume_that_finds_a_stored_part_of_another_size_starts_afresh(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    """Issue 14, item 10: a stored part this file cannot have made means none of that upload's parts can be used,
    not even the others' ETags; the stale upload is aborted so its parts stop costing."""
    bucket = new_bucket(seaweed_s3)
    body = os.urandom(16 * MIB)
    source = tmp_path / "changed.bin"
    source.write_bytes(body)
    upload_id = interrupt_an_upload(seaweed_page, seaweed_s3, bucket, source)
    params = {"Bucket": bucket, "Key": "changed.bin", "UploadId": upload_id, "PartNumber": 2}
    seaweed_s3.upload_part(**params, Body=os.urandom(MIB))  # part 2 now holds 1 MiB, not 5
    assert resume(seaweed_page, source) == [1, 2, 3, 4]
    assert seaweed_s3.get_object(Bucket=bucket, Key="changed.bin")["Body"].read() == body
    assert seaweed_s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_cancelling_a_multipart_upload_aborts_it_on_the_store(page: Any, s3: Any, tmp_path: Path) -> None:
    bucket = new_bucket(s3)
    (tmp_path / "big.bin").write_bytes(os.urandom(12 * MIB))
    page.goto(f"/b/{bucket}")
    throttle_uploads(page, 256 * 1024)
    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "big.bin"))
    page.wait_for_function("() => document.querySelector('.upload progress')?.value > 0")
    page.locator(".upload button", has_text="Cancel").click()
    page.wait_for_selector(".upload.failed .state:text('cancelled')")
    page.wait_for_function("() => !Object.keys(localStorage).some((k) => k.startsWith('s3m-upload:'))")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert all_keys(s3, bucket) == []


def test_a_part_that_fails_once_is_retried_and_the_upload_completes(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    page = seaweed_page
    bucket = new_bucket(seaweed_s3)
    body = os.urandom(11 * MIB)  # parts of 5, 5 and 1 MiB
    (tmp_path / "flaky.bin").write_bytes(body)
    dropped: list[str] = []

    def drop_first_try_of_part_2(route: Any) -> None:
        if dropped:
            route.continue_()
        else:
            dropped.append(route.request.url)
            route.abort()

    page.goto(f"/b/{bucket}")
    page.route(re.compile(r"partNumber=2(&|$)"), drop_first_try_of_part_2)
    traffic = PartTraffic(page)
    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "flaky.bin"))
    page.wait_for_selector(".upload.done", timeout=60000)
    assert sorted(traffic.sent) == [1, 2, 2, 3]
    assert seaweed_s3.get_object(Bucket=bucket, Key="flaky.bin")["Body"].read() == body


def test_a_small_upload_and_download_in_the_browser_against_seaweedfs(
    seaweed_page: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    page = seaweed_page
    bucket = new_bucket(seaweed_s3)
    body = os.urandom(300_000)
    (tmp_path / "plain put.bin").write_bytes(body)
    page.goto(f"/b/{bucket}")
    page.set_input_files("input.upload-input[multiple]", str(tmp_path / "plain put.bin"))
    page.wait_for_selector(".upload.done")
    assert seaweed_s3.get_object(Bucket=bucket, Key="plain put.bin")["Body"].read() == body
    page.locator("#rows tr[data-name='plain put.bin'] .menu-button").click()
    with page.expect_download() as download:
        page.get_by_role("menuitem", name="Download").click()
    saved = tmp_path / "back.bin"
    download.value.save_as(saved)
    assert saved.read_bytes() == body


def test_without_scripts_a_file_is_uploaded_by_a_form_straight_to_the_store(
    chromium: Any, seaweed_gateway: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    """Issue 17, item 11: a POST policy signed for the folder, the bytes sent by the browser's own form to
    SeaweedFS (which checks the policy), and the store's redirect back to the folder."""
    bucket = new_bucket(seaweed_s3)
    (tmp_path / "report ü.csv").write_bytes(b"a,b\n1,2\n")
    with browser_page(chromium, seaweed_gateway.url, scripts=False) as page:
        page.goto(f"/b/{bucket}?prefix=in%2F")
        assert page.locator("label", has_text="Upload files").is_hidden()  # the script's pickers, not shown
        seaweed_gateway.proxy.reset()
        page.get_by_role("link", name="Upload a file").click()
        page.set_input_files("input[type=file][name=file]", str(tmp_path / "report ü.csv"))
        page.get_by_role("button", name="Upload").click()
        page.locator("#flash", has_text="Uploaded in/report ü.csv.").wait_for()
        assert page.locator("#rows tr[data-name='report ü.csv']").count() == 1
    assert seaweed_s3.get_object(Bucket=bucket, Key="in/report ü.csv")["Body"].read() == b"a,b\n1,2\n"
    assert seaweed_gateway.proxy.to_gateway < 8 * 1024  # the bytes went to the store


def test_a_form_upload_is_signed_for_its_folder_only(
    chromium: Any, seaweed_gateway: Any, seaweed_s3: Any, tmp_path: Path
) -> None:
    """The policy behind the no-script form binds the key to the folder (the size cap is checked by
    tests/compat/test_signatures.py): SeaweedFS refuses the same form aimed elsewhere."""
    bucket = new_bucket(seaweed_s3)
    with browser_page(chromium, seaweed_gateway.url, scripts=False) as page:
        page.goto(f"/b/{bucket}/upload?prefix=in%2F")
        fields = page.locator("form.upload-form input[type=hidden]").evaluate_all(
            "(all) => Object.fromEntries(all.map((i) => [i.name, i.value]))"
        )
        action = page.locator("form.upload-form").get_attribute("action")
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["starts-with", "$key", "in/"] in policy["conditions"]
    assert fields["success_action_redirect"].endswith(f"/b/{bucket}/uploaded")
    elsewhere = web.post(action, data={**fields, "key": "out/x.bin"}, files={"file": ("x.bin", b"x")})
    assert elsewhere.status_code == 403
    assert all_keys(seaweed_s3, bucket) == []

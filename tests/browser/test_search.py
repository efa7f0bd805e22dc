"""Search below a folder and its size, in Chromium against SeaweedFS (issue 18): results stream in chunk by chunk,
the search has an address, and Stop ends the store calls."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.browser.conftest import LiveGateway
from tests.conftest import new_bucket

pytestmark = pytest.mark.browser

KEYS = [f"logs/{n // 500}/{n:04}.log" for n in range(2100)]  # three chunks of 1,000 keys
MATCHES = ["logs/0/0007-<b>match</b>.txt", "logs/4/2050-MATCH %+ü.txt", "logs/1/1499-match.txt"]


@pytest.fixture(name="logs", scope="module")
def fx_logs(seaweed_s3: Any) -> str:
    bucket = new_bucket(seaweed_s3)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: seaweed_s3.put_object(Bucket=bucket, Key=key, Body=b"x" * 10), KEYS + MATCHES))
    seaweed_s3.put_object(Bucket=bucket, Key="logs-elsewhere/match.txt", Body=b"x")  # a sibling, not below logs/
    return bucket


def shown_keys(page: Any) -> list[str]:
    return sorted(page.locator("#results tr td:first-child a").evaluate_all(
        "(links) => links.map((a) => new URL(a.href).searchParams.get('key'))"))  # fmt: skip


def test_a_search_streams_in_chunk_by_chunk_and_has_an_address(seaweed_page: Any, logs: str) -> None:
    page = seaweed_page
    page.goto(f"/b/{logs}?prefix=logs%2F")
    page.get_by_role("link", name="Search below…").click()
    page.get_by_label("Name contains").fill("match")
    page.get_by_role("button", name="Search", exact=True).click()
    progress = page.locator("#scan-progress")
    progress.filter(has_text=f"every key below {logs}/logs/").wait_for()
    assert progress.inner_text() == f"3 found, 30 B, among 2,103 keys: every key below {logs}/logs/."
    assert shown_keys(page) == sorted(MATCHES)
    assert page.locator("#results b").count() == 0  # markup in a key is text
    assert "text=match" in page.url and "go=search" in page.url
    page.reload()  # the address alone gives the same search
    progress.filter(has_text="every key below").wait_for()
    assert shown_keys(page) == sorted(MATCHES)


def test_stop_ends_the_store_calls_and_continue_goes_on(
    seaweed_page: Any, seaweed_gateway: LiveGateway, logs: str
) -> None:
    page = seaweed_page
    held: list[Any] = []
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "token=" in request.url else None)
    page.route("**/search?*token=*", lambda route: held.append(route))  # the second chunk waits
    page.goto(f"/b/{logs}/search?prefix=logs%2F&go=size")
    page.wait_for_function("() => document.querySelector('#scan-progress').textContent.includes('so far')")
    page.wait_for_timeout(300)
    assert len(held) == 1
    page.get_by_role("button", name="Stop").click()
    assert page.locator("#scan-progress").inner_text().endswith(": stopped.")
    page.unroute("**/search?*token=*")
    for route in held:  # its answer, had the request not been aborted, would bring the next chunk's link
        with contextlib.suppress(Exception):  # aborted: nothing to continue
            route.continue_()
    page.wait_for_timeout(800)
    assert len(asked) == 1 and page.locator("#scan-progress").inner_text().endswith(": stopped.")
    page.get_by_role("link", name="Continue").click()  # by hand, and on to the end
    page.locator("#scan-progress").filter(has_text="every key below").wait_for()
    assert page.locator("#scan-progress").inner_text().startswith("2,103 objects, ")


def test_a_folders_menu_counts_it_and_adds_up_its_size(seaweed_page: Any, logs: str) -> None:
    page = seaweed_page
    page.goto(f"/b/{logs}")
    page.get_by_role("button", name="Actions for logs/", exact=True).click()
    page.get_by_role("menuitem", name="Size and count").click()
    progress = page.locator("#scan-progress")
    progress.filter(has_text="every key below").wait_for()
    size = 10 * (len(KEYS) + len(MATCHES))
    assert progress.inner_text() == f"2,103 objects, 20.5 KiB ({size:,} bytes): every key below {logs}/logs/."

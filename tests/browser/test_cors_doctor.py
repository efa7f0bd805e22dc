"""The CORS doctor in Chromium, against a store that enforces each bucket's CORS rules as S3 does (moto behind a
proxy that answers preflights by the rules): a bucket without a rule refuses the upload, the doctor says why and
applies the rule, and the same upload then works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.s3 import make_client
from gateway.settings import Settings
from tests.browser.conftest import LiveGateway, browser_page, live_gateway_for
from tests.faulty_store import FaultyStore

pytestmark = pytest.mark.browser


@pytest.fixture(name="strict_store", scope="module")
def fx_strict_store(moto_endpoint: str) -> Iterator[FaultyStore]:
    store = FaultyStore(moto_endpoint, enforce_cors=True)
    yield store
    store.close()


@pytest.fixture(name="strict_gateway", scope="module")
def fx_strict_gateway(strict_store: FaultyStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    with live_gateway_for(strict_store.url, tmp_path_factory.mktemp("strict")) as gateway:
        yield gateway


def test_the_doctor_turns_a_bucket_that_blocks_uploads_into_one_that_accepts_them(
    chromium: Any, strict_gateway: LiveGateway, moto_endpoint: str, tmp_path: Path
) -> None:
    s3 = make_client(Settings(endpoint_url=moto_endpoint, addressing_style="path"), moto_endpoint)
    s3.create_bucket(Bucket="no-cors-yet")  # no CORS rule: a real store refuses browsers
    source = tmp_path / "hello.txt"
    source.write_text("hello")
    page_errors: list[str] = []
    with browser_page(chromium, strict_gateway.url) as page:
        page.on("console", lambda m: page_errors.append(m.text) if m.type == "error" else None)
        page.goto("/b/no-cors-yet")
        page.set_input_files("input.upload-input[multiple]", str(source))
        page.wait_for_selector(".upload.failed")
        assert "network or CORS" in page.locator(".upload.failed").inner_text()
        assert s3.list_objects_v2(Bucket="no-cors-yet").get("KeyCount") == 0

        page.click("a.bucket-settings")
        assert "No rule allows the origin " + strict_gateway.url in page.locator(".cors-verdict").inner_text()
        page.click("button:text('Apply this rule')")
        page.wait_for_selector(".cors-verdict.ok")
        rules = s3.get_bucket_cors(Bucket="no-cors-yet")["CORSRules"]
        assert rules[0]["AllowedOrigins"] == [strict_gateway.url] and "ETag" in rules[0]["ExposeHeaders"]

        page.goto("/b/no-cors-yet")
        page.set_input_files("input.upload-input[multiple]", str(source))
        page.wait_for_selector(".upload.done")
    assert s3.get_object(Bucket="no-cors-yet", Key="hello.txt")["Body"].read() == b"hello"
    assert any("CORS" in e for e in page_errors)  # the first upload really was stopped by the browser

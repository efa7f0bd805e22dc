"""Signing in with Chromium: the login redirect and back, a hostile name echoed inert, a user kept to their grants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.s3 import make_client
from gateway.settings import Settings
from tests.browser.conftest import LiveGateway, browser_page, live_gateway_for
from tests.conftest import hashed, new_bucket, put

pytestmark = pytest.mark.browser
HOSTILE = '"><img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


@pytest.fixture(name="shared", scope="module")
def fx_shared(moto_endpoint: str) -> str:
    s3 = make_client(Settings(endpoint_url=moto_endpoint, addressing_style="path"), moto_endpoint)
    bucket = new_bucket(s3)
    put(s3, bucket, "team/plan.txt", "private/payroll.csv")
    return bucket


@pytest.fixture(name="guarded_gateway", scope="module")
def fx_guarded_gateway(
    moto_endpoint: str, shared: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGateway]:
    workdir = tmp_path_factory.mktemp("guarded")
    access = workdir / "access.toml"
    access.write_text(
        f'[users.bob]\npassword = "{hashed("bob-pw")}"\n'
        f'grants = [{{bucket = "{shared}", prefix = "team/", actions = ["list", "read"]}}]\n'
    )
    with live_gateway_for(moto_endpoint, workdir, {"S3M_ACCESS_FILE": str(access)}) as gateway:
        yield gateway


def test_sign_in_leads_back_and_a_hostile_name_stays_text(
    chromium: Any, guarded_gateway: LiveGateway, shared: str
) -> None:
    with browser_page(chromium, guarded_gateway.url) as page:
        page.goto(f"/b/{shared}?prefix=team/")
        assert page.url.split("?")[0].endswith("/login")
        page.fill("input[name=name]", HOSTILE)
        page.fill("input[name=password]", "wrong")
        page.click("button[type=submit]")
        page.wait_for_selector(".notice.error:text('Wrong name or password.')")
        assert page.input_value("input[name=name]") == HOSTILE  # echoed as a value, not as markup
        assert page.evaluate("() => window.pwned") is None and page.locator("img[src=x]").count() == 0

        page.fill("input[name=name]", "bob")
        page.fill("input[name=password]", "bob-pw")
        page.click("button[type=submit]")
        page.wait_for_selector("tr.object[data-name='plan.txt']")
        assert "/b/" + shared in page.url and "prefix=team" in page.url

        page.goto(f"/b/{shared}")  # above the grant: only the way to it
        names = page.locator("tr.folder, tr.object").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
        assert names == ["team"]

        page.click("form.signed-in button")
        page.wait_for_url("**/login")
        page.goto(f"/b/{shared}")
        assert page.url.split("?")[0].endswith("/login")

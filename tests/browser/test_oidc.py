"""Signing in through a real OpenID provider (node-oidc-provider, tests/oidc_provider.py) in Chromium: the provider's
login page and back, groups giving exactly their grants, a user whom no grant covers told so, and signing out of
the gateway and of the provider."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gateway.s3 import make_client
from gateway.settings import Settings
from tests.api.test_oidc import SECRET, access_file, provider_client
from tests.browser.conftest import LiveGateway, browser_page, live_gateway_for, serious_violations
from tests.conftest import new_bucket, put, require
from tests.oidc_provider import oidc_provider
from tests.servers import free_port, node_installed

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class SignInSetup:
    gateway: LiveGateway
    issuer: str
    bucket: str


@pytest.fixture(name="oidc", scope="module")
def fx_oidc(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSetup]:
    """The gateway with one provider and a group `readers` that may read and share `team/` of a bucket; the
    provider puts ann in `readers` and nobody in no group. Passwords are off: the login page offers the provider
    alone."""
    require(node_installed(), "Node.js and npm, for oidc-provider (apt-get install nodejs npm)")
    s3 = make_client(Settings(endpoint_url=moto_endpoint, addressing_style="path"), moto_endpoint)
    bucket = new_bucket(s3)
    put(s3, bucket, "team/plan.txt", "private/payroll.csv")
    workdir = tmp_path_factory.mktemp("oidc")
    port = free_port()
    access = access_file(workdir / "access.toml", f"http://127.0.0.1:{port}", bucket, "[login]\npasswords = false\n")
    env = {"S3M_ACCESS_FILE": str(access), "COMPANY_OIDC_SECRET": SECRET}
    with live_gateway_for(moto_endpoint, workdir, env) as gateway:
        client = provider_client(gateway.url, groups={"ann": ["readers", "elsewhere"]})
        with oidc_provider(workdir, port, client) as issuer:
            yield SignInSetup(gateway, issuer, bucket)


def sign_in_at_provider(page: Any, name: str) -> None:
    """The provider's own pages: its login form (any password), then its consent."""
    page.get_by_role("link", name="Sign in with Company account").click()
    page.wait_for_url("**/interaction/**")
    page.fill("input[name=login]", name)
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()  # consent, once per user and client


def test_a_group_gives_its_grants_and_sign_out_ends_both_sessions(chromium: Any, oidc: SignInSetup) -> None:
    with browser_page(chromium, oidc.gateway.url) as page:
        page.goto(f"/b/{oidc.bucket}?prefix=team/")
        assert page.url.split("?")[0].endswith("/login")
        assert page.locator("input[name=password]").count() == 0  # passwords are off
        sign_in_at_provider(page, "ann")
        page.wait_for_selector("tr.object[data-name='plan.txt']")  # back where she was going
        assert "prefix=team" in page.url
        assert "ann" in page.locator("form.signed-in").inner_text()

        private = page.goto(f"/b/{oidc.bucket}?prefix=private/")
        assert private is not None and private.status == 403  # the group reads team/ only
        page.goto(f"/b/{oidc.bucket}")
        names = page.locator("tr.folder, tr.object").evaluate_all("(rows) => rows.map((r) => r.dataset.name)")
        assert names == ["team"]

        page.click("form.signed-in button")
        page.wait_for_url(f"{oidc.issuer}/**")  # the provider asks whether to sign out there too
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{oidc.gateway.url}/login")
        page.goto(f"/b/{oidc.bucket}?prefix=team/")
        assert page.url.split("?")[0].endswith("/login")  # the gateway's session ended
        page.get_by_role("link", name="Sign in with Company account").click()
        page.wait_for_url("**/interaction/**")  # and the provider's: it asks for a login again
        assert page.locator("input[name=login]").count() == 1


def test_a_user_no_grant_covers_is_told_so(chromium: Any, oidc: SignInSetup, axe: str) -> None:
    with browser_page(chromium, oidc.gateway.url) as page:
        page.add_init_script(axe)
        page.goto("/login")
        assert serious_violations(page) == []  # the login page with a provider's button
        sign_in_at_provider(page, "nobody")
        page.wait_for_selector(".notice.error")
        assert serious_violations(page) == []
        assert "Signed in as nobody, but no grant allows anything here" in page.locator(".notice.error").inner_text()
        page.goto(f"/b/{oidc.bucket}")
        assert page.url.split("?")[0].endswith("/login")  # and no session was started

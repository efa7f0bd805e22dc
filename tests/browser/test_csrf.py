"""The attack an outside review made work (issue 14, item 1), replayed in Chromium: a page served by the store, on
another port of the same host (the same *site*), plants a visitor cookie and auto-submits a form carrying the token
that visitor id was given. An admin who opens the page deletes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.s3 import make_client
from gateway.settings import Settings
from tests.browser.conftest import LiveGateway, browser_page, live_gateway_for, sign_in
from tests.conftest import all_keys, hashed, new_bucket, put

pytestmark = pytest.mark.browser


@pytest.fixture(name="admin_gateway", scope="module")
def fx_admin_gateway(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    workdir = tmp_path_factory.mktemp("csrf")
    access = workdir / "access.toml"
    access.write_text(
        f'[users.alice]\npassword = "{hashed("alice-pw")}"\n'
        'grants = [{bucket = "*", actions = ["list", "read", "write", "delete", "share"]}]\n'
    )
    with live_gateway_for(moto_endpoint, workdir, {"S3M_ACCESS_FILE": str(access)}) as gateway:
        yield gateway


ATTACK = """<!doctype html><html><body>
<form id="f" method="post" action="{gateway}/b/{bucket}/delete-folder">
  <input type="hidden" name="_csrf_token" value="{token}"><input type="hidden" name="prefix" value="other-team/">
</form>
<script>
  document.cookie = "s3m_visitor={visitor}; path=/";  // cookies ignore ports: this reaches the gateway too
  document.getElementById("f").submit();
</script></body></html>"""


def test_a_same_site_page_cannot_make_a_signed_in_admin_delete(
    chromium: Any, admin_gateway: LiveGateway, moto_endpoint: str
) -> None:
    s3 = make_client(Settings(endpoint_url=moto_endpoint, addressing_style="path"), moto_endpoint)
    bucket = new_bucket(s3)
    put(s3, bucket, "other-team/plan.txt", "other-team/budget.xlsx")
    with httpx.Client(base_url=admin_gateway.url) as stranger:  # what the attacker gets by visiting /login
        page = stranger.get("/login").text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        visitor = stranger.cookies["s3m_visitor"]
    html = ATTACK.format(gateway=admin_gateway.url, bucket=bucket, token=token, visitor=visitor)
    s3.put_object(Bucket=bucket, Key="uploads/invoice.html", Body=html.encode(), ContentType="text/html")
    # Shown inline from the store's origin (as a public bucket, or a presigned inline link, would show it).
    evil = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "uploads/invoice.html"})

    with browser_page(chromium, admin_gateway.url) as admin:
        sign_in(admin, "alice", "alice-pw")
        with admin.expect_response(lambda r: r.url.endswith("/delete-folder")) as answer:
            admin.goto(evil)
        assert answer.value.status == 403
        assert "CSRF" in answer.value.text() or "another origin" in answer.value.text()
        assert sorted(all_keys(s3, bucket)) == ["other-team/budget.xlsx", "other-team/plan.txt", "uploads/invoice.html"]

        admin.goto(f"/b/{bucket}/delete-folder?prefix=other-team/")  # the admin's own confirmation still works
        with admin.expect_response(lambda r: r.request.method == "POST") as own:
            admin.click("button.danger")
        assert own.value.status in (200, 303)
        assert all_keys(s3, bucket) == ["uploads/invoice.html"]

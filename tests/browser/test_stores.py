"""Two real stores behind one gateway, in Chromium: moto as the default store, SeaweedFS as `archive`. The store
switcher and the URLs, then a folder copied and moved from one store to the other by the browser, every byte
checked in the target and none of them through the gateway (the counting proxy)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.s3 import make_client
from gateway.settings import Settings
from tests.browser.conftest import LiveGateway, browser_page, live_gateway_for, overflow, serious_violations, sign_in
from tests.conftest import CREDENTIALS, all_keys, hashed, new_bucket

pytestmark = pytest.mark.browser
BIG = 12 * 1024 * 1024  # over the browser tests' 5 MiB multipart threshold: sent in three parts


def client_for(endpoint: str) -> Any:
    return make_client(Settings(endpoint_url=endpoint, addressing_style="path"), endpoint)


@pytest.fixture(name="two_store_gateway", scope="module")
def fx_two_store_gateway(
    moto_endpoint: str, seaweed_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveGateway]:
    """The gateway with both stores; SeaweedFS's keys come from the variables its section names."""
    workdir = tmp_path_factory.mktemp("two-stores")
    access = workdir / "access.toml"
    access.write_text(
        f"""
[stores.default]
endpoint = "{moto_endpoint}"
addressing_style = "path"

[stores.archive]
endpoint = "{seaweed_endpoint}"
addressing_style = "path"
access_key_id_env = "ARCHIVE_KEY_ID"
secret_access_key_env = "ARCHIVE_SECRET"

[users.ann]
password = "{hashed("ann-pw")}"
grants = [{{store = "*", bucket = "*", actions = ["list", "read", "write", "delete", "share"]}}]
"""
    )
    keys = {"ARCHIVE_KEY_ID": CREDENTIALS["AWS_ACCESS_KEY_ID"], "ARCHIVE_SECRET": CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}
    with live_gateway_for(moto_endpoint, workdir, {"S3M_ACCESS_FILE": str(access), **keys}) as gateway:
        yield gateway


@pytest.fixture(name="ann")
def fx_ann(chromium: Any, two_store_gateway: LiveGateway) -> Iterator[Any]:
    with browser_page(chromium, two_store_gateway.url) as page:
        sign_in(page, "ann", "ann-pw")
        yield page


def test_the_store_switcher_leads_to_the_other_stores_buckets(ann: Any, seaweed_endpoint: str) -> None:
    bucket = new_bucket(client_for(seaweed_endpoint))
    client_for(seaweed_endpoint).put_object(Bucket=bucket, Key="docs/only-here.txt", Body=b"x")
    ann.click("details.stores summary")
    ann.get_by_role("link", name="archive").click()
    ann.wait_for_url("**/store/archive/")
    ann.get_by_role("link", name=bucket).first.click()
    ann.wait_for_selector("tr.folder[data-name='docs']")
    assert f"/store/archive/b/{bucket}" in ann.url
    assert ann.locator(".crumbs a").first.inner_text() == "archive"
    assert ann.locator("details.stores summary").inner_text() == "archive"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_switcher_and_the_copy_form_fit_a_phone_and_pass_axe(
    ann: Any, axe: str, moto_endpoint: str, scheme: str
) -> None:
    """The header with its switcher open, and the copy form once another store is chosen (its buckets, its notice),
    at a phone's width and a desktop's: no serious axe violation, nothing sideways."""
    source = new_bucket(client_for(moto_endpoint))
    client_for(moto_endpoint).put_object(Bucket=source, Key="docs/a.txt", Body=b"a")
    ann.add_init_script(axe)
    ann.emulate_media(color_scheme=scheme)
    found = []
    for width in (320, 390, 1280):
        ann.set_viewport_size({"width": width, "height": 800})
        ann.goto(f"/b/{source}/")
        ann.click("details.stores summary")
        found += [f"switcher at {width} px: {v}" for v in serious_violations(ann)]
        ann.goto(f"/b/{source}/transfer/?prefix=docs/")
        ann.select_option("select[name=target_store]", "archive")
        ann.wait_for_selector("form[data-target-store=archive]")
        found += [f"copy form at {width} px: {v}" for v in serious_violations(ann)]
        found += [f"copy form at {width} px: {extra} px too wide" for extra in [overflow(ann)] if extra > 0]
    assert found == [], "\n".join(found)


def test_a_folder_is_copied_then_moved_into_another_store_by_the_browser(
    ann: Any, two_store_gateway: LiveGateway, moto_endpoint: str, seaweed_endpoint: str
) -> None:
    moto, seaweed = client_for(moto_endpoint), client_for(seaweed_endpoint)
    source, target = new_bucket(moto), new_bucket(seaweed)
    bodies = {"docs/a.txt": b"alpha", "docs/deep/b.json": b'{"b": 1}', "docs/big.bin": os.urandom(BIG)}
    for key, body in bodies.items():
        moto.put_object(Bucket=source, Key=key, Body=body, ContentType="application/x-test")

    def run(target_folder: str, *, move: bool) -> None:
        ann.goto(f"/b/{source}/transfer/?prefix=docs/")
        ann.select_option("select[name=target_store]", "archive")
        ann.wait_for_selector("form[data-target-store=archive]")
        ann.select_option("select[name=target_bucket]", target)
        ann.wait_for_selector(".folder-picker[data-prefix='']")  # it names the target folder once it has loaded
        ann.fill("input[name=target]", target_folder)
        if move:
            ann.check("input[name=move]")
        two_store_gateway.proxy.reset()
        ann.click("form[data-transfer] button[type=submit]")
        ann.wait_for_selector(".transfer-progress .state.done", timeout=60000)

    run("copied/", move=False)
    for key, body in bodies.items():
        copy = seaweed.get_object(Bucket=target, Key="copied/" + key.removeprefix("docs/"))
        assert (copy["Body"].read(), copy["ContentType"]) == (body, "application/x-test")
    big = seaweed.head_object(Bucket=target, Key="copied/big.bin")
    assert big["ETag"].endswith('-3"'), big["ETag"]  # written in parts, each read from the source with a Range
    through = two_store_gateway.proxy.to_gateway + two_store_gateway.proxy.from_gateway
    assert through < 200_000, f"{through} bytes passed through the gateway for a {BIG} byte copy"
    assert sorted(all_keys(moto, source)) == sorted(bodies)  # a copy leaves its sources

    run("moved/", move=True)
    assert all_keys(moto, source) == []  # each deleted once its copy was found whole
    for key, body in bodies.items():
        assert seaweed.get_object(Bucket=target, Key="moved/" + key.removeprefix("docs/"))["Body"].read() == body
    assert "Moved 3 of 3. Done." in ann.locator(".transfer-progress .state").inner_text()

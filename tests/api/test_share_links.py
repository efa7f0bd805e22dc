"""Gateway share links belong to whoever made them: capped by their caps, checked again on every use, revocable one
by one, and listed to their maker only (issue 14, item 4)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import token_digest
from gateway.settings import Settings
from tests.conftest import STATE_BUCKET, hashed, page_token, put, soup

TOKEN = "share-token-0123456789"
ALL = '["list", "read", "write", "delete", "share"]'


def access_file(path: Path, bucket: str, *, alice: bool = True, bob_shares: bool = True) -> Path:
    bob_actions = '["list", "read", "share"]' if bob_shares else '["list", "read"]'
    alice_entry = (
        f"""
[users.alice]
password = "{hashed("alice-pw")}"
grants = [{{bucket = "*", actions = {ALL}}}]
"""
        if alice
        else ""
    )
    path.write_text(f"""{alice_entry}
[users.bob]
password = "{hashed("bob-pw")}"
grants = [{{bucket = "{bucket}", actions = {bob_actions}}}]

[tokens.ci]
sha256 = "{token_digest(TOKEN)}"
grants = [{{bucket = "{bucket}", actions = ["share"]}}]
max_expires = 900
""")
    return path


@pytest.fixture(name="guarded")
def fx_guarded(settings: Settings, s3: Any, bucket: str, tmp_path: Path) -> Settings:
    put(s3, bucket, "a.txt", "b.txt")
    records = f"s3://{STATE_BUCKET}/{bucket}/"  # this test's own, so no other test's links are listed
    return replace(settings, access_file=access_file(tmp_path / "access.toml", bucket), state_url=records)


def signed_in(settings: Settings, name: str) -> TestClient[Any]:
    """A client signed in as `name` (its password is NAME-pw), holding its session's CSRF token."""
    client = TestClient(create_app(settings))
    client.__enter__()
    client.headers["x-csrftoken"] = page_token(client)
    answer = client.post("/login", data={"name": name, "password": f"{name}-pw"}, follow_redirects=False)
    assert answer.status_code == 303
    client.headers["x-csrftoken"] = page_token(client)
    return client


@pytest.fixture(name="alice")
def fx_alice(guarded: Settings) -> Iterator[TestClient[Any]]:
    client = signed_in(guarded, "alice")
    yield client
    client.__exit__(None, None, None)


def make_link(client: TestClient[Any], bucket: str, key: str, seconds: int, **headers: str) -> Any:
    data = {"key": key, "seconds": str(seconds), "kind": "gateway"}
    return client.post(f"/b/{bucket}/share", data=data, headers=headers)


def link_path(answer: Any) -> str:
    assert answer.status_code == 200, answer.text
    return urlsplit(str(soup(answer.text).select_one("#share-url")["value"])).path


def test_a_capped_token_cannot_make_a_link_that_outlives_its_cap(guarded: Settings, bucket: str) -> None:
    with TestClient(create_app(guarded)) as client:
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        refused = make_link(client, bucket, "a.txt", 365 * 86400, **bearer)
        assert refused.status_code == 400 and "900 seconds" in refused.text
        assert make_link(client, bucket, "a.txt", 600, **bearer).status_code == 200


def test_the_share_form_offers_only_the_lifetimes_each_kind_allows_the_caller(
    guarded: Settings, alice: TestClient[Any], bucket: str
) -> None:
    def offered(client: TestClient[Any], **headers: str) -> dict[str, list[int]]:
        page = soup(client.get(f"/b/{bucket}/share", params={"key": "a.txt"}, headers=headers).text)
        forms = page.select("form.share-kind")
        return {
            form.select_one("input[name=kind]")["value"]: [int(o["value"]) for o in form.select("option")]
            for form in forms
        }

    day = 86400
    assert offered(alice) == {"presigned": [900, 3600, day], "gateway": [900, 3600, day, 7 * day, 30 * day, 365 * day]}
    with TestClient(create_app(guarded)) as client:  # the token's own cap, 900 seconds, bounds both
        assert offered(client, Authorization=f"Bearer {TOKEN}") == {"presigned": [900], "gateway": [900]}


def test_a_link_dies_with_its_maker_or_its_makers_right_to_share(
    guarded: Settings, alice: TestClient[Any], bucket: str, tmp_path: Path
) -> None:
    link = link_path(make_link(alice, bucket, "a.txt", 86400))
    bob = signed_in(guarded, "bob")
    bobs = link_path(make_link(bob, bucket, "b.txt", 86400))
    bob.__exit__(None, None, None)
    with TestClient(create_app(guarded)) as anyone:
        assert anyone.get(link, follow_redirects=False).status_code == 303
        assert anyone.get(bobs, follow_redirects=False).status_code == 303
    without_alice = access_file(tmp_path / "later.toml", bucket, alice=False, bob_shares=False)
    with TestClient(create_app(replace(guarded, access_file=without_alice))) as anyone:
        assert anyone.get(link, follow_redirects=False).status_code == 404  # alice is gone from the file
        refused = anyone.get(bobs, follow_redirects=False)
        assert refused.status_code == 403 and "no longer share" in refused.text  # bob may no longer share


def test_one_link_is_revoked_and_the_others_keep_working(
    guarded: Settings, alice: TestClient[Any], bucket: str
) -> None:
    first = link_path(make_link(alice, bucket, "a.txt", 86400))
    second = link_path(make_link(alice, bucket, "b.txt", 86400))
    listed = soup(alice.get("/shares").text)
    assert sorted(td.text for td in listed.select("tbody tr td:first-child")) == [f"{bucket}/a.txt", f"{bucket}/b.txt"]
    bob = signed_in(guarded, "bob")
    assert soup(bob.get("/shares").text).select("tbody tr") == []  # alice's links are hers alone
    revoke = next(row for row in listed.select("tbody tr") if row.select_one("td").text == f"{bucket}/a.txt")
    link_id = revoke.select_one("input[name=id]")["value"]
    assert bob.post("/shares/revoke", data={"id": link_id}).status_code == 404  # not bob's to revoke
    bob.__exit__(None, None, None)
    assert alice.post("/shares/revoke", data={"id": link_id}).status_code == 200
    assert alice.get(first, follow_redirects=False).status_code == 404
    assert alice.get(second, follow_redirects=False).status_code == 303
    assert [td.text for td in soup(alice.get("/shares").text).select("tbody tr td:first-child")] == [f"{bucket}/b.txt"]

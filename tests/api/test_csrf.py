"""Forged changes are refused: a token must belong to the session that sends it, and the browser must say the
request came from the gateway's own origin (issue 14, item 1)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.api.test_share_links import access_file, signed_in
from tests.conftest import all_keys, page_token, put


@pytest.fixture(name="guarded")
def fx_guarded(settings: Settings, s3: Any, bucket: str, tmp_path: Path) -> Settings:
    put(s3, bucket, "other-team/plan.txt")
    return replace(settings, access_file=access_file(tmp_path / "access.toml", bucket))


def delete(client: TestClient[Any], bucket: str, token: str, **headers: str) -> Any:
    data = {"key": "other-team/plan.txt", "_csrf_token": token}
    return client.post(f"/b/{bucket}/delete", data=data, headers=headers, follow_redirects=False)


def test_an_anonymous_token_with_an_admins_session_is_refused_and_the_admins_own_accepted(
    guarded: Settings, s3: Any, bucket: str
) -> None:
    with TestClient(create_app(guarded)) as stranger:
        anonymous_token = page_token(stranger)  # what a page on the store's origin could obtain
    admin = signed_in(guarded, "alice")
    own_token = admin.headers.pop("x-csrftoken")
    refused = delete(admin, bucket, anonymous_token)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert "other-team/plan.txt" in all_keys(s3, bucket)
    assert delete(admin, bucket, own_token).status_code == 303
    assert all_keys(s3, bucket) == []
    admin.__exit__(None, None, None)


def test_a_change_from_another_origin_is_refused_even_with_the_right_token(
    guarded: Settings, s3: Any, bucket: str
) -> None:
    admin = signed_in(guarded, "alice")
    token = admin.headers.pop("x-csrftoken")
    for headers in (
        {"Origin": "http://testserver.local:8333"},  # the store, on another port of the same site
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        assert delete(admin, bucket, token, **headers).status_code == 403, headers
    assert "other-team/plan.txt" in all_keys(s3, bucket)
    own = {"Origin": "http://testserver.local", "Sec-Fetch-Site": "same-origin"}
    assert delete(admin, bucket, token, **own).status_code == 303
    put(s3, bucket, "other-team/plan.txt")  # behind a proxy that rewrote Host, as nginx does by default
    proxied = {"Origin": "https://files.example.com", "X-Forwarded-Host": "files.example.com"}
    assert delete(admin, bucket, token, **proxied).status_code == 303
    admin.__exit__(None, None, None)


def test_a_cookie_sent_twice_is_refused(guarded: Settings, bucket: str) -> None:
    admin = signed_in(guarded, "alice")
    session = admin.cookies["s3m_session"]
    planted = admin.get(f"/b/{bucket}", headers={"Cookie": f"s3m_session={session}; s3m_session=planted"})
    assert planted.status_code == 400 and "sent twice" in planted.text
    admin.__exit__(None, None, None)


def test_behind_tls_the_cookies_carry_the_host_prefix(guarded: Settings) -> None:
    secure = replace(guarded, secure_cookies=True)
    with TestClient(create_app(secure), base_url="https://testserver.local") as client:
        client.headers["x-csrftoken"] = page_token(client)
        assert "__Host-s3m_visitor" in client.cookies
        answer = client.post("/login", data={"name": "alice", "password": "alice-pw"}, follow_redirects=False)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-s3m_session=") and "Secure" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie

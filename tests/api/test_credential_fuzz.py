"""Every credential-shaped input, fuzzed over HTTP: a session cookie, a visitor cookie, a CSRF token, an API token,
a share-link token, an upload handle, the proxy's user and groups headers, and an OpenID sign-in's flow cookie,
state and code. Whatever they hold, the answer is a 4xx (or the
way to the login page), never a 5xx (issue 14, item 6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.api.test_share_links import access_file
from tests.conftest import examples
from tests.servers import free_port

anything = st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1"))
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(name="guarded_client", scope="module")
def fx_guarded_client(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    folder = tmp_path_factory.mktemp("fuzz")
    base = Settings(
        endpoint_url=moto_endpoint, region="us-east-1", addressing_style="path", state_url="s3://s3m-state/f/"
    )
    access = access_file(folder / "access.toml", "fuzz-bucket")
    # A provider that is never reached: every fuzzed callback must be refused before the gateway would call it.
    provider = f'[oidc.company]\nissuer = "http://127.0.0.1:{free_port()}"\nclient_id = "c"\n'
    proxy = '[proxy]\ntrusted = ["0.0.0.0/0"]\ngroups_header = "X-Forwarded-Groups"\n'
    access.write_text(
        access.read_text() + provider + proxy + '[groups.g]\ngrants = [{bucket = "*", actions = ["list"]}]\n'
    )
    with TestClient(create_app(replace(base, access_file=access))) as client:
        yield client


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def refused_politely(answer: Any) -> None:
    assert answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text


@FUZZ
@given(value=anything)
def test_any_session_or_visitor_cookie(guarded_client: TestClient[Any], value: str) -> None:
    for name in ("s3m_session", "s3m_visitor"):
        cookie = raw(f"{name}={value}".replace(";", ""))
        refused_politely(guarded_client.get("/", headers={"Cookie": cookie}, follow_redirects=False))
        refused_politely(guarded_client.post("/logout", headers={"Cookie": cookie, "x-csrftoken": raw(value)}))


@FUZZ
@given(value=anything)
def test_any_csrf_token_or_api_token(guarded_client: TestClient[Any], value: str) -> None:
    refused_politely(guarded_client.post("/buckets", data={"name": "x", "_csrf_token": value}))
    refused_politely(guarded_client.post("/buckets", headers={"x-csrftoken": raw(value)}))
    bearer = {"Authorization": raw(f"Bearer {value}".replace("\r", "").replace("\n", ""))}
    refused_politely(guarded_client.get("/api/v1/buckets", headers=bearer))


@FUZZ
@given(value=anything)
def test_any_share_token_or_upload_handle(guarded_client: TestClient[Any], value: str) -> None:
    token = quote(value, safe="") or "x"
    refused_politely(guarded_client.get(f"/s/{token}", follow_redirects=False))
    bearer = {"Authorization": "Bearer share-token-0123456789"}
    refused_politely(guarded_client.get(f"/s3/multipart/{token}/1", params={"key": "a"}, headers=bearer))
    refused_politely(guarded_client.get(f"/s3/multipart/{token}", params={"key": value or "a"}, headers=bearer))


@FUZZ
@given(value=anything)
def test_any_proxy_user_header(guarded_client: TestClient[Any], value: str) -> None:
    header = raw(value.replace("\r", "").replace("\n", ""))
    refused_politely(guarded_client.get("/", headers={"X-Forwarded-User": header}, follow_redirects=False))
    groups = {"X-Forwarded-User": "someone", "X-Forwarded-Groups": header}
    refused_politely(guarded_client.get("/", headers=groups, follow_redirects=False))


@FUZZ
@given(cookie=anything, state=anything, code=anything)
def test_any_sign_in_flow_cookie_state_or_code(
    guarded_client: TestClient[Any], cookie: str, state: str, code: str
) -> None:
    headers = {"Cookie": raw(f"s3m_oidc={cookie}".replace(";", ""))}
    callback = "/login/oidc/company/callback"
    answer = guarded_client.get(callback, params={"state": state, "code": code}, headers=headers)
    refused_politely(answer)
    assert answer.status_code == 400  # no flow of this browser's: the provider is never asked

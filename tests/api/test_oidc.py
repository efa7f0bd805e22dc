"""Signing in through a real OpenID provider (node-oidc-provider, tests/oidc_provider.py), the gateway in-process:
its login pages are walked with an HTTP client, as a browser would follow them (Chromium does the same in
tests/browser/test_oidc.py). A code redeemed twice, a state that is not this browser's, a provider that is down."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import AccessConfigError, load_access
from gateway.settings import Settings
from tests.conftest import hashed, new_bucket, page_token, put, require, soup
from tests.oidc_provider import oidc_provider
from tests.servers import free_port, node_installed

GATEWAY = "http://testserver.local"  # the TestClient's address, registered at the provider as the redirect URI
CALLBACK = f"{GATEWAY}/login/oidc/company/callback"
SECRET = "a-client-secret-for-tests"


def access_file(path: Path, issuer: str, bucket: str, more: str = "") -> Path:
    """One provider, `company`, and a group `readers` that may read and share `team/` of `bucket`."""
    path.write_text(
        f"""
[oidc.company]
issuer = "{issuer}"
client_id = "s3-manager"
client_secret_env = "COMPANY_OIDC_SECRET"
scopes = ["openid", "profile", "groups"]
label = "Company account"

[groups.readers]
grants = [{{bucket = "{bucket}", prefix = "team/", actions = ["list", "read", "share"]}}]
{more}"""
    )
    return path


def provider_client(gateway: str, **more: object) -> dict[str, object]:
    """The gateway as the provider's client: its secret, where it may send the browser back, ann in `readers`."""
    return {
        "client_id": "s3-manager",
        "client_secret": SECRET,
        "redirect_uri": f"{gateway}/login/oidc/company/callback",
        "post_logout_redirect_uri": f"{gateway}/login",
        "groups": {"ann": ["readers"]},
        **more,
    }


@pytest.fixture(name="issuer", scope="module", params=["groups in the ID token", "groups from userinfo"])
def fx_issuer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require(node_installed(), "Node.js and npm, for oidc-provider (apt-get install nodejs npm)")
    client = provider_client(GATEWAY, groups_from_userinfo=request.param == "groups from userinfo")
    with oidc_provider(tmp_path_factory.mktemp("oidc"), free_port(), client) as issuer:
        yield issuer


@pytest.fixture(name="signing_in", scope="module")
def fx_signing_in(
    settings: Settings, s3: Any, issuer: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Litestar, str]:
    """The gateway with the provider, built once per provider mode, and the bucket its group may read."""
    bucket = new_bucket(s3)
    put(s3, bucket, "team/plan.txt", "private/payroll.csv")
    access = access_file(tmp_path_factory.mktemp("oidc-app") / "access.toml", issuer, bucket)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPANY_OIDC_SECRET", SECRET)  # read when the app is built
        return create_app(replace(settings, access_file=access)), bucket


@pytest.fixture(name="gateway")
def fx_gateway(signing_in: tuple[Litestar, str]) -> Iterator[tuple[TestClient[Any], str]]:
    app, bucket = signing_in
    with TestClient(app) as client:
        yield client, bucket


def at_provider(start: str, user: str) -> str:
    """Follow the provider's pages from the authorization URL as a browser would: its login form (any password),
    its consent; the URL it sends the browser back to, with the code and state."""
    with httpx.Client() as browser:
        answer = browser.get(start)
        for _ in range(12):
            if answer.is_redirect:
                target = urljoin(str(answer.url), answer.headers["location"])
                if target.startswith(CALLBACK):
                    return target
                answer = browser.get(target)
                continue
            form = soup(answer.text).select_one("form")
            assert form is not None, answer.text
            fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
            fields.update({k: v for k, v in {"login": user, "password": "any"}.items() if k in fields})
            answer = browser.post(urljoin(str(answer.url), form["action"]), data=fields)
    raise AssertionError("the provider never sent the browser back")


def test_the_code_flow_signs_in_with_the_groups_grants_and_a_replayed_code_is_refused(
    gateway: tuple[TestClient[Any], str],
) -> None:
    client, bucket = gateway
    start = client.get("/login/oidc/company", params={"next": f"/b/{bucket}/?prefix=team/"}, follow_redirects=False)
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    flow = client.cookies["s3m_oidc"]

    back = at_provider(start.headers["location"], "ann")
    signed_in = client.get(back.removeprefix(GATEWAY), follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text[:3000]
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, f"/b/{bucket}/?prefix=team/")
    assert "s3m_oidc" not in client.cookies  # one callback per state
    assert client.get(f"/b/{bucket}/?prefix=team/").status_code == 200
    assert client.get(f"/b/{bucket}/?prefix=private/").status_code == 403
    page = soup(client.get(f"/b/{bucket}/share?key=team/plan.txt").text)
    form = {"key": "team/plan.txt", "kind": "gateway", "seconds": "3600"}
    form["_csrf_token"] = page.select_one('meta[name="csrf-token"]')["content"]
    made = client.post(f"/b/{bucket}/share", data=form)
    link = urlsplit(soup(made.text).select_one("input[readonly]")["value"]).path
    assert client.get(link, follow_redirects=False).status_code == 303  # a link made by a group's grant opens

    client.cookies.clear()
    client.cookies["s3m_oidc"] = flow  # the whole callback again, cookie and all: the provider refuses the code
    replayed = client.get(back.removeprefix(GATEWAY), follow_redirects=False)
    assert replayed.status_code == 401
    assert "The sign-in provider company refused" in soup(replayed.text).select_one(".notice").get_text()
    assert client.get(f"/b/{bucket}/", follow_redirects=False).status_code == 303  # to the login page


def test_a_callback_this_browser_did_not_start_is_refused(gateway: tuple[TestClient[Any], str]) -> None:
    client, _ = gateway
    assert client.get("/login/oidc/company/callback?code=x&state=y").status_code == 400  # no flow cookie
    client.get("/login/oidc/company", follow_redirects=False)
    other_state = client.get("/login/oidc/company/callback?code=x&state=not-this-one")
    assert other_state.status_code == 400
    assert "not started here" in other_state.text
    assert client.get("/login/oidc/nobody", follow_redirects=False).status_code == 404


def test_a_provider_that_is_down_gives_a_clear_page(settings: Settings, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("COMPANY_OIDC_SECRET", SECRET)
    down = f"http://127.0.0.1:{free_port()}"
    access = access_file(tmp_path / "access.toml", down, "any-bucket")
    with TestClient(create_app(replace(settings, access_file=access))) as client:
        page = client.get("/login/oidc/company", follow_redirects=False)
        assert page.status_code == 503
        assert f"The sign-in provider company at {down} did not answer" in page.text
        login = soup(client.get("/login").text)
        assert [a.get_text() for a in login.select(".providers a")] == ["Sign in with Company account"]
        assert login.select_one("input[name=password]") is not None  # passwords stay on unless switched off


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[oidc.a]\nissuer = "id.example.com"\nclient_id = "c"', "[oidc.a]: issuer must be the provider's URL"),
        ('[oidc.a]\nissuer = "https://id.example.com"', "[oidc.a]: client_id is missing"),
        ('[oidc.a]\nissuer = "https://i"\nclient_id = "c"\nclient_id_env = "X"', "unknown setting client_id_env"),
        (
            '[oidc.a]\nissuer = "https://i"\nclient_id = "c"\nclient_secret_env = "S3M_NOT_SET_ANYWHERE"',
            "client_secret_env names S3M_NOT_SET_ANYWHERE, which is not set",
        ),
        ('[oidc.a]\nissuer = "https://i"\nclient_id = "c"\nscopes = ["profile"]', "scopes must include openid"),
        ("[login]\npasswords = false", "passwords = false needs an [oidc.NAME] provider"),
        ('[groups.g]\ngrants = [{bucket = "*", actions = ["fly"]}]', "group 'g': each grant needs a bucket"),
    ],
)
def test_a_sign_in_section_with_a_mistake_is_named_at_start(text: str, said: str, tmp_path: Path) -> None:
    path = tmp_path / "access.toml"
    path.write_text(text)
    with pytest.raises(AccessConfigError) as refused:
        load_access(path)
    assert said in str(refused.value)


def test_with_passwords_off_no_password_signs_in_and_no_password_session_holds(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[login] passwords = false` beside a provider: the form is refused, and a session a password began before
    the switch no longer opens anything."""
    monkeypatch.setenv("COMPANY_OIDC_SECRET", SECRET)
    user = f'[users.carl]\npassword = "{hashed("carl-pw")}"\ngrants = [{{bucket = "*", actions = ["list"]}}]\n'
    on = access_file(tmp_path / "on.toml", "https://id.example.com", "b", user)
    off = access_file(tmp_path / "off.toml", "https://id.example.com", "b", user + "[login]\npasswords = false\n")
    with TestClient(create_app(replace(settings, access_file=on))) as client:
        client.headers["x-csrftoken"] = page_token(client)
        assert client.post("/login", data={"name": "carl", "password": "carl-pw"}).status_code == 200
        session = client.cookies["s3m_session"]
    with TestClient(create_app(replace(settings, access_file=off))) as client:
        client.headers["x-csrftoken"] = page_token(client)
        refused = client.post("/login", data={"name": "carl", "password": "carl-pw"})
        assert refused.status_code == 403
        assert "passwords are off here" in refused.text
        client.cookies["s3m_session"] = session
        assert client.get("/", follow_redirects=False).status_code == 303  # to the login page

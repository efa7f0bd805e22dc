"""Who may do what: sign-in, sessions, API tokens and grants, each refusal with its own test."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import ANY
from urllib.parse import urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import load_access, token_digest
from gateway.security.sessions import new_session
from gateway.settings import Settings
from tests.conftest import all_keys, hashed, new_bucket, page_token, put, soup

TOKEN = "ci-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ALL = '["list", "read", "write", "delete", "share"]'


def write_access_file(path: Path, team: str, other: str, *, alice_password: str = "alice-pw", top: str = "") -> Path:
    path.write_text(
        f"""{top}
[users.alice]
password = "{hashed(alice_password)}"
grants = [{{bucket = "*", actions = {ALL}}}]

[users.bob]
password = "{hashed("bob-pw")}"
grants = [{{bucket = "{team}", prefix = "team/", actions = ["list", "read"]}}]

[tokens.ci]
sha256 = "{token_digest(TOKEN)}"
grants = [{{bucket = "{team}", prefix = "ci/", actions = ["write"]}}, {{bucket = "{other}", actions = ["list"]}}]
max_expires = 600
"""
    )
    return path


@pytest.fixture(name="buckets", scope="module")
def fx_buckets(s3: Any) -> tuple[str, str]:
    """Two buckets for the module: every test leaves their keys as it found them."""
    team, other = new_bucket(s3), new_bucket(s3)
    put(s3, team, "team/plan.txt", "team/deep/notes.txt", "secret/payroll.csv", "ci/build.log")
    put(s3, other, "elsewhere.txt")
    return team, other


@pytest.fixture(name="guarded", scope="module")
def fx_guarded(settings: Settings, buckets: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    path = tmp_path_factory.mktemp("access") / "access.toml"
    return replace(settings, access_file=write_access_file(path, *buckets))


@pytest.fixture(name="guarded_app", scope="module")
def fx_guarded_app(guarded: Settings) -> Litestar:
    return create_app(guarded)


@pytest.fixture(name="replica", scope="module")
def fx_replica(guarded: Settings) -> Litestar:
    """A second gateway with the same settings and store, as another replica behind a load balancer would be."""
    return create_app(guarded)


@pytest.fixture(name="anyone")
def fx_anyone(guarded_app: Litestar) -> Iterator[TestClient[Any]]:
    """A client with no credentials yet, holding a CSRF token like a browser on the login page would."""
    with TestClient(guarded_app) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield client


def sign_in(client: TestClient[Any], name: str, password: str, next_page: str = "/") -> Any:
    """Sign in as a browser would; on success the client takes the new session's CSRF token, as its pages give it."""
    answer = client.post("/login", data={"name": name, "password": password, "next": next_page}, follow_redirects=False)
    if answer.status_code == 303:
        client.headers["x-csrftoken"] = page_token(client)
    return answer


def test_without_credentials_pages_send_to_the_login_page_and_programs_get_401(
    anyone: TestClient[Any], buckets: tuple[str, str]
) -> None:
    team, _ = buckets
    page = anyone.get(f"/b/{team}", params={"prefix": "team/"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/login?next=%2Fb%2F{team}%3Fprefix%3Dteam%252F"
    swap = anyone.get(f"/b/{team}", headers={"HX-Request": "true"})
    assert swap.status_code == 401 and swap.headers["hx-redirect"].startswith("/login?next=")
    api = anyone.post(f"/api/v1/buckets/{team}/presign/get", json={"key": "team/plan.txt"})
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert "Sign in first" in api.json()["message"]
    uppy = anyone.get("/s3/params", params={"filename": "a.txt"})
    assert uppy.status_code == 401
    assert anyone.get("/healthz").status_code == 200 and anyone.get("/static/css/app.css").status_code == 200


def test_a_wrong_password_or_unknown_name_is_refused_alike(anyone: TestClient[Any]) -> None:
    for name, password in (("alice", "wrong"), ("mallory", "alice-pw"), ("*", "alice-pw"), ("", "")):
        answer = sign_in(anyone, name, password)
        assert answer.status_code == 401
        assert soup(answer.text).select_one(".notice.error").text == "Wrong name or password."
        assert "s3m_session" not in answer.cookies


def test_sign_in_returns_to_the_page_asked_for_then_sign_out_ends_it(
    anyone: TestClient[Any], buckets: tuple[str, str]
) -> None:
    team, _ = buckets
    signed = sign_in(anyone, "alice", "alice-pw", f"/b/{team}")
    assert signed.status_code == 303 and signed.headers["location"] == f"/b/{team}"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = anyone.get(f"/b/{team}")
    assert page.status_code == 200 and "alice" in soup(page.text).select_one("form.signed-in").text
    assert anyone.post("/logout", follow_redirects=False).headers["location"] == "/login"
    anyone.cookies.delete("s3m_session")  # what the browser does with the expired cookie the logout sent
    assert anyone.get(f"/b/{team}", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_on_every_replica(replica: Litestar, anyone: TestClient[Any]) -> None:
    """Issue 14, item 8: a copy of the cookie taken before signing out stops working, here and on another replica
    (another app sharing the secret and the store)."""
    assert sign_in(anyone, "alice", "alice-pw").status_code == 303
    copied = anyone.cookies["s3m_session"]
    assert anyone.post("/logout", follow_redirects=False).status_code == 303
    with TestClient(replica) as elsewhere:
        elsewhere.cookies.set("s3m_session", copied)
        assert elsewhere.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
    anyone.cookies.set("s3m_session", copied)
    assert anyone.get("/", follow_redirects=False).status_code == 303


def test_sign_in_never_redirects_to_another_site(anyone: TestClient[Any]) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert sign_in(anyone, "alice", "alice-pw", target).headers["location"] == "/"


def test_a_forged_expired_or_outdated_session_is_refused(
    guarded: Settings, anyone: TestClient[Any], buckets: tuple[str, str], tmp_path: Path
) -> None:
    team, other = buckets
    alice = load_access(guarded.access_file).users["alice"]  # type: ignore[arg-type]
    good = new_session(guarded.secret_key, alice, 3600)
    payload, _, signature = good.partition(".")
    bob_payload = base64.urlsafe_b64encode(b'["bob",99999999999,"x","y"]').decode().rstrip("=")  # alice's signature
    for cookie in (
        f"{bob_payload}.{signature}",
        f"{payload}.{'0' * 24}",
        new_session(guarded.secret_key, alice, -10),  # expired
        new_session("another-secret", alice, 3600),
        "garbage",
    ):
        anyone.cookies.set("s3m_session", cookie)
        assert anyone.get(f"/b/{team}", follow_redirects=False).status_code == 303, cookie
    # a new password ends every session signed before it
    changed = write_access_file(tmp_path / "changed.toml", team, other, alice_password="new-pw")
    with TestClient(create_app(replace(guarded, access_file=changed))) as client:
        client.cookies.set("s3m_session", good)
        assert client.get(f"/b/{team}", follow_redirects=False).status_code == 303
    anyone.cookies.set("s3m_session", good)
    assert anyone.get(f"/b/{team}").status_code == 200


def test_a_wrong_token_is_refused_and_never_falls_back_to_the_session(
    anyone: TestClient[Any], buckets: tuple[str, str]
) -> None:
    team, _ = buckets
    sign_in(anyone, "alice", "alice-pw")
    wrong = anyone.post(
        f"/api/v1/buckets/{team}/presign/put", json={"key": "ci/x"}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    right = anyone.post(f"/api/v1/buckets/{team}/presign/put", json={"key": "ci/x"}, headers=BEARER)
    assert right.status_code == 200 and right.json()["method"] == "PUT"


def test_a_bucket_outside_the_grants_is_hidden_and_refused(anyone: TestClient[Any], buckets: tuple[str, str]) -> None:
    team, other = buckets
    sign_in(anyone, "bob", "bob-pw")
    names = [a.text for a in soup(anyone.get("/").text).select("a.bucket")]
    assert team in names and other not in names
    switcher = [a.text for a in soup(anyone.get("/bucket-menu", params={"current": team}).text).select("a")]
    assert team in switcher and other not in switcher
    transfer = soup(anyone.get(f"/b/{team}/transfer/", params={"key": "team/plan.txt"}).text)
    assert [option.text for option in transfer.select("select[name=target_bucket] option")] == [team]
    picker = {"target_bucket": team, "prefix": "team/"}
    assert anyone.get(f"/b/{team}/transfer/folders", params=picker).status_code == 200
    for refused in ({"target_bucket": other}, {"target_bucket": team, "prefix": "secret/"}):
        assert anyone.get(f"/b/{team}/transfer/folders", params=refused).status_code == 403
    refused = anyone.get(f"/b/{other}")
    assert refused.status_code == 403 and f"bob may not list {other}/" in soup(refused.text).select_one(".notice").text
    assert anyone.get(f"/b/{other}/download", params={"key": "elsewhere.txt"}).status_code == 403


def test_above_a_granted_prefix_only_the_way_to_it_is_listed(anyone: TestClient[Any], buckets: tuple[str, str]) -> None:
    team, _ = buckets
    sign_in(anyone, "bob", "bob-pw")
    root = soup(anyone.get(f"/b/{team}").text)
    assert [row["data-name"] for row in root.select("tr.folder")] == ["team"]
    assert root.select("tr.object") == []
    inside = soup(anyone.get(f"/b/{team}", params={"prefix": "team/"}).text)
    assert "plan.txt" in inside.text
    assert anyone.get(f"/b/{team}", params={"prefix": "secret/"}).status_code == 403
    assert anyone.get(f"/b/{team}/download", params={"key": "team/plan.txt"}, follow_redirects=False).status_code == 303
    assert anyone.get(f"/b/{team}/download", params={"key": "secret/payroll.csv"}).status_code == 403
    assert anyone.get(f"/b/{team}/object", params={"key": "team/plan.txt"}).status_code == 200
    assert anyone.get(f"/b/{team}/object", params={"key": "secret/payroll.csv"}).status_code == 403


def test_a_scan_lists_counts_and_returns_only_the_granted_keys(
    anyone: TestClient[Any], buckets: tuple[str, str]
) -> None:
    team, other = buckets
    sign_in(anyone, "bob", "bob-pw")
    answer = anyone.get(f"/api/v1/buckets/{team}/scan", params={"text": "t"})  # from the root, above the grant
    found = [json.loads(line) for line in answer.text.splitlines()]
    assert [line["key"] for line in found[:-1]] == ["team/deep/notes.txt", "team/plan.txt"]
    assert found[-1]["end"]["scanned"] == 2  # secret/ and ci/ are neither returned nor counted
    assert anyone.get(f"/api/v1/buckets/{team}/scan", params={"prefix": "secret/"}).status_code == 403
    assert anyone.get(f"/api/v1/buckets/{other}/scan").status_code == 403


def test_a_scan_signs_gets_only_for_the_keys_the_caller_may_read(
    anyone: TestClient[Any], buckets: tuple[str, str]
) -> None:
    """urls=true (how the explorer zips a folder): bob reads team/, so each key comes with a URL that fetches it;
    the ci token may list the other bucket but not read it, so its keys come without one."""
    team, other = buckets
    sign_in(anyone, "bob", "bob-pw")
    answer = anyone.get(f"/api/v1/buckets/{team}/scan", params={"prefix": "team/", "urls": "true"})
    signed = [json.loads(line) for line in answer.text.splitlines()][:-1]
    assert [line["key"] for line in signed] == ["team/deep/notes.txt", "team/plan.txt"]
    for line in signed:
        fetched = httpx.get(line["url"])
        assert fetched.status_code == 200 and fetched.content == b"x"
    listed = anyone.get(f"/api/v1/buckets/{other}/scan", params={"urls": "true"}, headers=BEARER)
    assert [json.loads(line) for line in listed.text.splitlines()][:-1] == [
        {"key": "elsewhere.txt", "size": 1, "modified": ANY, "url": None}
    ]


def test_an_action_outside_the_grants_is_refused_and_changes_nothing(
    anyone: TestClient[Any], s3: Any, buckets: tuple[str, str]
) -> None:
    team, _ = buckets
    sign_in(anyone, "bob", "bob-pw")  # list and read under team/, nothing else
    assert anyone.post(f"/b/{team}/delete", data={"key": "team/plan.txt"}).status_code == 403
    assert anyone.post(f"/b/{team}/delete-folder", data={"prefix": "team/"}).status_code == 403
    upload = anyone.post(f"/b/{team}/uploads", json={"prefix": "team/", "files": [{"path": "new.txt"}]})
    assert upload.status_code == 403
    assert anyone.post(f"/b/{team}/folders", data={"prefix": "team/", "name": "x"}).status_code == 403
    assert anyone.post(f"/b/{team}/delete-bucket").status_code == 403
    version = {"key": "team/plan.txt", "version": "v1"}
    assert anyone.post(f"/b/{team}/restore", data=version).status_code == 403
    assert anyone.post(f"/b/{team}/delete-version", data=version).status_code == 403
    move = {"prefix": "team/", "target_bucket": team, "target": "elsewhere/", "move": True}
    assert anyone.post(f"/b/{team}/transfer", json=move).status_code == 403
    assert sorted(all_keys(s3, team)) == ["ci/build.log", "secret/payroll.csv", "team/deep/notes.txt", "team/plan.txt"]


def test_a_token_signs_only_inside_its_grants_and_caps(anyone: TestClient[Any], buckets: tuple[str, str]) -> None:
    team, other = buckets
    api = f"/api/v1/buckets/{team}"
    assert anyone.post(f"{api}/presign/put", json={"key": "ci/a.bin"}, headers=BEARER).json()["expires_in"] == 600
    assert anyone.post(f"{api}/presign/put", json={"key": "team/a.bin"}, headers=BEARER).status_code == 403
    assert anyone.post(f"{api}/presign/get", json={"key": "ci/build.log"}, headers=BEARER).status_code == 403
    too_long = anyone.post(f"{api}/presign/put", json={"key": "ci/a.bin", "expires": 601}, headers=BEARER)
    assert too_long.status_code == 400 and "between 1 and 600" in too_long.json()["message"]
    post = anyone.post(f"{api}/presign/post", json={"key_prefix": "ci/"}, headers=BEARER)
    assert post.status_code == 200
    assert anyone.post(f"{api}/presign/post", json={"key_prefix": ""}, headers=BEARER).status_code == 403
    assert anyone.post(f"{api}/multipart/", json={"key": "team/big.bin"}, headers=BEARER).status_code == 403
    listed = anyone.get(f"/api/v1/buckets/{other}/objects", headers=BEARER).json()
    assert [o["key"] for o in listed["objects"]] == ["elsewhere.txt"]
    names = {b["name"] for b in anyone.get("/api/v1/buckets/", headers=BEARER).json()["buckets"]}
    assert names == {team, other}


def test_the_read_only_switch_refuses_every_change(guarded: Settings, s3: Any, buckets: tuple[str, str]) -> None:
    team, _ = buckets
    with TestClient(create_app(replace(guarded, read_only=True))) as client:
        client.headers["x-csrftoken"] = page_token(client)
        sign_in(client, "alice", "alice-pw")
        assert client.get(f"/b/{team}").status_code == 200
        refused = client.post(f"/b/{team}/delete", data={"key": "team/plan.txt"})
        assert refused.status_code == 403 and "read-only" in refused.text
        assert client.post(f"/api/v1/buckets/{team}/presign/put", json={"key": "x"}).status_code == 403
    assert "team/plan.txt" in all_keys(s3, team)


def test_a_configured_bucket_list_replaces_list_buckets(
    settings: Settings, buckets: tuple[str, str], tmp_path: Path
) -> None:
    team, other = buckets
    path = write_access_file(tmp_path / "a.toml", team, other, top=f'buckets = ["{other}"]')
    with TestClient(create_app(replace(settings, access_file=path))) as client:
        names = [b["name"] for b in client.get("/api/v1/buckets/", headers=BEARER).json()["buckets"]]
    assert names == [other]


def test_a_broken_access_file_is_named_at_start(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[users.eve]\ngrants = [{bucket = "x", actions = ["fly"]}]\n')
    with pytest.raises(ValueError, match="user 'eve': each grant needs a bucket and actions among"):
        create_app(replace(settings, access_file=path))


def test_sharing_needs_the_share_action_and_a_gateway_link_needs_no_sign_in(
    anyone: TestClient[Any], replica: Litestar, buckets: tuple[str, str]
) -> None:
    team, _ = buckets
    sign_in(anyone, "bob", "bob-pw")
    assert anyone.get(f"/b/{team}/share", params={"key": "team/plan.txt"}).status_code == 403
    sign_in(anyone, "alice", "alice-pw")
    made = anyone.post(f"/b/{team}/share", data={"key": "team/plan.txt", "seconds": "86400", "kind": "gateway"})
    link = urlsplit(str(soup(made.text).select_one("#share-url")["value"])).path
    with TestClient(replica) as stranger:
        assert stranger.get(link, follow_redirects=False).status_code == 303


def test_aborting_every_pending_upload_needs_delete_on_both_routes(
    anyone: TestClient[Any], s3: Any, buckets: tuple[str, str]
) -> None:
    """Issue 15, item 4: the JSON API asked for `write`, the settings page for `delete`; now one operation, one rule."""
    team, _ = buckets
    s3.create_multipart_upload(Bucket=team, Key="ci/half.bin")
    refused = anyone.delete(f"/api/v1/buckets/{team}/multipart", params={"prefix": "ci/"}, headers=BEARER)
    assert refused.status_code == 403 and "may not delete" in refused.json()["message"]  # ci may write, not delete
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=team)["Uploads"]] == ["ci/half.bin"]
    assert sign_in(anyone, "alice", "alice-pw").status_code == 303
    assert "Aborted 1 incomplete upload." in anyone.post(f"/b/{team}/settings/abort-uploads").text
    assert s3.list_multipart_uploads(Bucket=team).get("Uploads", []) == []

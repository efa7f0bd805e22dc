"""Deleting a bucket never deletes what it holds, on any store."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.conftest import HTMX, new_bucket


@pytest.mark.feature("non-empty bucket kept")
def test_a_bucket_that_is_not_empty_is_kept_even_on_a_store_that_would_wipe_it(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    """Issue 14, item 9: SeaweedFS, started with its default flags as here, deletes a non-empty bucket with all it
    holds; the gateway checks objects and versions itself and answers 409, whatever the store would do."""
    full = new_bucket(store_s3)
    store_s3.put_object(Bucket=full, Key="keep/me.txt", Body=b"precious")
    refused = store_client.post(f"/b/{full}/delete-bucket", headers=HTMX)
    assert refused.status_code == 409 and "not empty" in refused.text
    assert store_s3.get_object(Bucket=full, Key="keep/me.txt")["Body"].read() == b"precious"
    empty = new_bucket(store_s3)
    assert store_client.post(f"/b/{empty}/delete-bucket", headers=HTMX).status_code == 200
    assert empty not in [b["Name"] for b in store_s3.list_buckets()["Buckets"]]


@pytest.mark.feature("versions")
def test_a_bucket_holding_only_old_versions_is_kept(store_client: TestClient[Any], store_s3: Any) -> None:
    versioned = new_bucket(store_s3)
    store_s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
    store_s3.put_object(Bucket=versioned, Key="old.txt", Body=b"history")
    store_s3.delete_object(Bucket=versioned, Key="old.txt")  # only a delete marker and an old version remain
    refused = store_client.post(f"/b/{versioned}/delete-bucket", headers=HTMX)
    assert refused.status_code == 409 and "old versions" in refused.text

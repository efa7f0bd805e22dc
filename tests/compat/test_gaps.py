"""What a store lacks, the gateway says in a sentence, feature by feature: a 501 that names the S3 operation the
store refused, or a line on the page, and never a 500, a 502 or a traceback (store_client checks every answer).
On a store that has the feature, the same requests succeed."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.compat.conftest import Kind
from tests.conftest import new_bucket, put, soup

API = "/api/v1/buckets"


@pytest.mark.feature("lacking features said in a sentence (501)")
def test_each_feature_a_store_lacks_is_refused_in_a_sentence(
    store_client: TestClient[Any], store_s3: Any, store_kind: Kind
) -> None:
    bucket = new_bucket(store_s3)
    put(store_s3, bucket, "a.txt")
    upload = store_client.post(f"{API}/{bucket}/multipart", json={"key": "m.bin"}).json()["upload_id"]
    settings = store_client.get(f"/b/{bucket}/settings")
    asked = {  # in this order: the abort ends the upload whose parts are listed
        "multipart through /api/v1": [
            store_client.get(f"{API}/{bucket}/multipart/{upload}/parts", params={"key": "m.bin"}),
        ],
        "pending uploads and lifecycle": [
            store_client.get(f"{API}/{bucket}/multipart/"),
            store_client.post(f"/b/{bucket}/settings/abort-uploads"),
            store_client.post(f"/b/{bucket}/settings/lifecycle"),
        ],
        "versions": [store_client.get(f"/b/{bucket}/object", params={"key": "a.txt"})],
    }
    for feature, answers in asked.items():
        lacking = feature in store_kind.lacks
        for answer in answers:
            assert answer.status_code == (501 if lacking and feature != "versions" else 200), answer.text[:300]
            if answer.status_code == 501:
                assert "This store does not support " in answer.text
    assert settings.status_code == 200
    said = soup(settings.text).get_text(" ", strip=True)
    lacking = "pending uploads and lifecycle" in store_kind.lacks
    assert ("This store does not list incomplete multipart uploads." in said) is lacking
    assert ("This store does not support lifecycle rules" in said) is lacking

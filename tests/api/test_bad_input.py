"""Whatever prefix or key a request carries, the answer is a page or a refusal in words: never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.conftest import examples, put

anything = st.text(max_size=1100)  # lone surrogates, control characters, over-long: all of it


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=anything, key=anything)
def test_any_prefix_or_key_gets_an_answer_not_a_failure(
    client: TestClient[Any], s3: Any, bucket: str, prefix: str, key: str
) -> None:
    put(s3, bucket, "a/b.txt")  # something to find (the fixtures are made once for all examples)
    for method, url, params in (
        ("GET", f"/b/{bucket}", {"prefix": prefix}),
        ("GET", f"/b/{bucket}/download", {"key": key}),
        ("GET", f"/api/v1/buckets/{bucket}/objects", {"prefix": prefix}),
        ("GET", f"/b/{bucket}/delete-folder", {"prefix": prefix}),
    ):
        answer = client.request(method, url, params=params, follow_redirects=False)
        assert answer.status_code in {200, 303, 400, 404}, (url, prefix, key, answer.status_code, answer.text[:300])
        assert "Traceback" not in answer.text


@pytest.mark.parametrize("path", ["/api/v1/buckets/x-bucket/presign/get", "/s3/multipart", "/b/x-bucket/uploads"])
def test_json_nested_too_deeply_is_a_400(client: TestClient[Any], path: str) -> None:
    """Issue 14, item 8: 100,000 levels of nesting once raised a RecursionError, answered as a 500."""
    body = "[" * 100_000 + "]" * 100_000
    answer = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["message"] == "The request body is nested too deeply to read."

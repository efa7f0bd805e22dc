"""The JSON API under schemathesis: requests generated from its own OpenAPI schema, sent to the served gateway over
HTTP. Whatever they hold, the answer is never a 5xx and never a traceback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.cli.test_commands import running
from tests.conftest import new_bucket, put


@pytest.fixture(name="served", scope="module")
def fx_served(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_LEVEL": "warning"}
    with running(["serve"], tmp_path_factory.mktemp("fuzz") / "serve.log", env) as url:
        yield url


def test_no_generated_request_makes_the_api_fail(served: str, s3: Any) -> None:
    """Every operation in the schema, 40 generated requests each (schemathesis' own pytest plugin does not run on
    pytest 9, so the operations' strategies are driven by hypothesis directly)."""
    put(s3, new_bucket(s3), "seed/a.txt")  # something for listings to find
    api = schemathesis.openapi.from_url(f"{served}/api/schema/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 12
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_without_failing(case: Any) -> None:
            response = case.call(timeout=30)
            calls.append(response.status_code)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
            assert "Traceback" not in response.text
            if response.status_code >= 400:
                assert response.json()["message"], f"{where}: a refusal must say why"

        answers_without_failing()
    statuses = sorted(set(calls))
    print(f"\nschemathesis: {len(calls)} requests over {len(operations)} operations, statuses {statuses}")
    assert len(calls) >= 10 * len(operations)

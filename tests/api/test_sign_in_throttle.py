"""A flood of wrong passwords is throttled per user name and per client address, without hashing (issue 14,
item 2); the benchmark bench/login_flood.py shows the worker answering other requests meanwhile."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.throttle import FAILURES_PER_ADDRESS, FAILURES_PER_NAME
from gateway.settings import Settings
from tests.api.test_share_links import access_file
from tests.conftest import page_token


def attempt(client: TestClient[Any], name: str, password: str, **headers: str) -> Any:
    data = {"name": name, "password": password}
    return client.post("/login", data=data, headers=headers, follow_redirects=False)


def test_failed_sign_ins_are_throttled_by_name_then_by_address(settings: Settings, tmp_path: Path) -> None:
    guarded = replace(settings, access_file=access_file(tmp_path / "access.toml", "any-bucket"))
    with TestClient(create_app(guarded)) as client:
        client.headers["x-csrftoken"] = page_token(client)
        for _ in range(FAILURES_PER_NAME):
            assert attempt(client, "alice", "guess").status_code == 401
        throttled = attempt(client, "alice", "alice-pw")  # even the right password waits now
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
        assert "Too many failed sign-ins" in throttled.text
        assert attempt(client, "bob", "bob-pw").status_code == 303  # another name is not held up
        client.headers["x-csrftoken"] = page_token(client)
        for n in range(FAILURES_PER_ADDRESS - FAILURES_PER_NAME):
            assert attempt(client, f"nobody-{n}", "guess").status_code == 401
        assert attempt(client, "someone-else", "guess").status_code == 429  # this address has used its allowance

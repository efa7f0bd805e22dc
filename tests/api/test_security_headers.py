"""Every response carries the policy that confines the pages: strict CSP, no sniffing, no framing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.headers import content_security_policy
from gateway.settings import Settings


@pytest.mark.parametrize("path", ["/", "/api/v1", "/nowhere", "/static/css/app.css", "/b/no-such-bucket-here"])
def test_every_response_carries_the_security_headers(client: TestClient[Any], path: str) -> None:
    headers = client.get(path).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers


def test_the_policy_lets_pages_reach_the_store_and_nothing_else() -> None:
    path = Settings(
        endpoint_url="http://minio:9000", public_endpoint_url="https://s3.example.com", addressing_style="path"
    )
    policy = content_security_policy(path)
    assert "connect-src 'self' https://s3.example.com;" in policy
    virtual = replace(path, addressing_style="virtual")
    assert "connect-src 'self' https://s3.example.com https://*.s3.example.com;" in content_security_policy(virtual)
    assert "connect-src 'self' https://*.amazonaws.com;" in content_security_policy(Settings())
    assert "unsafe" not in policy and "http:" not in policy.replace("http://", "")


def test_behind_tls_cookies_are_secure_and_browsers_told_to_stay_on_https(settings: Settings) -> None:
    with TestClient(create_app(replace(settings, secure_cookies=True)), base_url="https://gateway.local") as client:
        answer = client.get("/")
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in answer.headers["set-cookie"].lower()

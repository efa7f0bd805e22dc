"""Sign-in as the served gateway sees it: proxy headers by peer address, and no anonymous serving off loopback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from gateway.access import hash_password
from tests.cli.test_commands import COMMAND, running

GRANTS = 'grants = [{bucket = "*", actions = ["list", "read"]}]'


def serve_env(moto_endpoint: str, access: Path) -> dict[str, str]:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
    return {**env, "S3M_ACCESS_FILE": str(access)}


def test_a_proxy_header_counts_only_from_a_trusted_address(moto_endpoint: str, bucket: str, tmp_path: Path) -> None:
    for trusted, expected in (("10.9.9.9/32", 401), ("127.0.0.0/8", 200)):
        access = tmp_path / f"access-{expected}.toml"
        access.write_text(f'[proxy]\ntrusted = ["{trusted}"]\n\n[users.carol]\n{GRANTS}\n')
        log = tmp_path / f"serve-{expected}.log"
        with running(["serve"], log, serve_env(moto_endpoint, access)) as url:
            answer = httpx.get(f"{url}/api/v1/buckets/{bucket}/objects", headers={"X-Forwarded-User": "carol"})
            assert answer.status_code == expected, answer.text
            stranger = httpx.get(f"{url}/api/v1/buckets/{bucket}/objects", headers={"X-Forwarded-User": "mallory"})
            assert stranger.status_code == 401  # not in the access file, and no [users."*"]
        if expected == 200:
            assert '"user":"carol"' in log.read_text()


def test_users_sign_in_on_any_address_with_an_access_file(moto_endpoint: str, tmp_path: Path) -> None:
    access = tmp_path / "access.toml"
    access.write_text(f'[users.dave]\npassword = "{hash_password("pw")}"\n{GRANTS}\n')
    with running(["serve"], tmp_path / "serve.log", serve_env(moto_endpoint, access)) as url:
        assert httpx.get(url, follow_redirects=False).headers["location"] == "/login?next=%2F"


def test_serve_refuses_to_run_without_sign_in_off_loopback() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("S3M_ACCESS_FILE", "S3M_ALLOW_ANONYMOUS")}
    answer = subprocess.run(
        [*COMMAND, "serve", "--host", "0.0.0.0", "--port", "1"], capture_output=True, text=True, env=env
    )
    assert answer.returncode == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in answer.stderr and "S3M_ACCESS_FILE" in answer.stderr

"""Sign-in as the served gateway sees it: proxy headers by peer address, and no anonymous serving off loopback."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx

from tests.cli.test_commands import COMMAND, running
from tests.conftest import hashed, web

GRANTS = 'grants = [{bucket = "*", actions = ["list", "read"]}]'


def serve_env(moto_endpoint: str, access: Path) -> dict[str, str]:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
    return {**env, "S3M_ACCESS_FILE": str(access)}


def test_a_proxy_header_counts_only_from_a_trusted_address(moto_endpoint: str, bucket: str, tmp_path: Path) -> None:
    """The user header, and the groups header beside it: from a trusted peer, carol by her own grants and erin,
    whom the file does not know, by her group's; from anyone else, neither."""
    groups = f'[groups.auditors]\ngrants = [{{bucket = "{bucket}", actions = ["list"]}}]\n'
    for trusted, expected in (("10.9.9.9/32", 401), ("127.0.0.0/8", 200)):
        access = tmp_path / f"access-{expected}.toml"
        proxy = f'[proxy]\ntrusted = ["{trusted}"]\ngroups_header = "X-Forwarded-Groups"\ngroups_separator = ";"\n'
        access.write_text(f"{proxy}\n[users.carol]\n{GRANTS}\n{groups}")
        log = tmp_path / f"serve-{expected}.log"
        with running(["serve"], log, serve_env(moto_endpoint, access)) as url:

            def listed(user: str, groups: str | None = None, where: str = bucket) -> int:
                headers = {"X-Forwarded-User": user, **({"X-Forwarded-Groups": groups} if groups else {})}
                return web.get(f"{url}/api/v1/buckets/{where}/objects", headers=headers).status_code

            assert listed("carol") == expected
            assert listed("mallory") == 401  # not in the access file, and no [users."*"]
            assert listed("erin", "staff; auditors") == expected  # her group's grant
            if expected == 200:
                assert listed("erin", "staff;auditors", where="another-bucket") == 403  # and only that
                assert listed("erin", "staff") == 401  # no group the file knows
        if expected == 200:
            assert '"user":"carol"' in log.read_text()


def test_users_sign_in_on_any_address_with_an_access_file(moto_endpoint: str, tmp_path: Path) -> None:
    access = tmp_path / "access.toml"
    access.write_text(f'[users.dave]\npassword = "{hashed("pw")}"\n{GRANTS}\n')
    with running(["serve"], tmp_path / "serve.log", serve_env(moto_endpoint, access)) as url:
        assert web.get(url, follow_redirects=False).headers["location"] == "/login?next=%2F"


def test_serve_refuses_to_run_without_sign_in_off_loopback() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("S3M_ACCESS_FILE", "S3M_ALLOW_ANONYMOUS")}
    answer = subprocess.run(
        [*COMMAND, "serve", "--host", "0.0.0.0", "--port", "1"], capture_output=True, text=True, env=env
    )
    assert answer.returncode == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in answer.stderr and "S3M_ACCESS_FILE" in answer.stderr


def access_lines(log: Path, count: int) -> list[dict[str, object]]:
    """The first `count` access lines of the listing route, waited for: the log is written every 20 ms."""
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        found = [line for line in lines if line.get("event") == "request" and line.get("route") == "api_objects"]
        if len(found) >= count or time.monotonic() > deadline:
            return sorted(found, key=lambda line: str(line["time"]))[:count]
        time.sleep(0.05)


def test_behind_trusted_proxies_the_client_is_the_rightmost_untrusted_hop(
    moto_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    """Issue 14, item 17: logs, audit events and the sign-in throttle see the client, not the proxy; the left part
    of X-Forwarded-For, which anyone can write, is never believed; a duplicated user header is refused (item 8)."""
    access = tmp_path / "access.toml"
    access.write_text(f'[proxy]\ntrusted = ["127.0.0.0/8", "10.0.0.0/8"]\n\n[users.carol]\n{GRANTS}\n')
    log = tmp_path / "serve.log"
    objects = f"/api/v1/buckets/{bucket}/objects"
    sent = [
        {"X-Forwarded-For": "6.6.6.6, 203.0.113.5, 10.1.1.1"},  # 6.6.6.6 is what the client claimed
        {"Forwarded": 'for=6.6.6.6, for="[2001:db8::7]:443";proto=https, for=10.2.2.2'},
        {"X-Forwarded-For": "10.1.1.1"},  # only proxies: the leftmost one is as far as anyone can tell
    ]
    with running(["serve"], log, serve_env(moto_endpoint, access)) as url, httpx.Client(base_url=url) as client:
        for headers in sent:
            assert client.get(objects, headers={"X-Forwarded-User": "carol", **headers}).status_code == 200
        twice = client.get(objects, headers=[("X-Forwarded-User", "carol"), ("X-Forwarded-User", "admin")])
        assert twice.status_code == 400 and "more than once" in twice.json()["message"]
        assert [line["client"] for line in access_lines(log, 3)] == ["203.0.113.5", "2001:db8::7", "10.1.1.1"]


def test_an_untrusted_peer_cannot_name_the_client(moto_endpoint: str, bucket: str, tmp_path: Path) -> None:
    access = tmp_path / "access.toml"
    access.write_text(f'[proxy]\ntrusted = ["10.9.9.9/32"]\n\n[users."*"]\n{GRANTS}\n')
    log = tmp_path / "serve.log"
    with running(["serve"], log, serve_env(moto_endpoint, access)) as url:
        web.get(f"{url}/api/v1/buckets/{bucket}/objects", headers={"X-Forwarded-For": "203.0.113.5"})
        assert [line["client"] for line in access_lines(log, 1)] == ["127.0.0.1"]

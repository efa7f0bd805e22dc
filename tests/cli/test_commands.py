"""The s3-manager command as users run it: help texts, the one-command demo, and serve with several workers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import page_token, serve_on_a_free_port, soup, web
from tests.servers import free_port

COMMAND = [sys.executable, "-m", "gateway.cli"]


@contextmanager
def running(args: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `s3-manager ARGS --port P` until the block ends; yields its base URL. Stopped by Ctrl-C, like a user."""
    with log.open("w") as out:
        process, port = serve_on_a_free_port([*COMMAND, *args], out, env or os.environ.copy())
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.send_signal(signal.SIGINT)
            try:
                assert process.wait(timeout=15) == 0
            finally:
                if process.poll() is None:
                    process.kill()


@pytest.mark.parametrize(("args", "says"), [([], "serve"), (["serve"], "S3_ENDPOINT_URL"), (["demo"], "moto")])
def test_help_explains_each_command(args: list[str], says: str) -> None:
    answer = subprocess.run([*COMMAND, *args, "--help"], capture_output=True, text=True, check=True)
    assert says in answer.stdout


def test_a_bad_setting_stops_serve_with_the_variable_named() -> None:
    env = {**os.environ, "S3M_PAGE_SIZE": "many"}
    answer = subprocess.run([*COMMAND, "serve", "--port", "1"], capture_output=True, text=True, env=env)
    assert answer.returncode == 2
    assert "S3M_PAGE_SIZE must be a int, not 'many'" in answer.stderr


def test_the_demo_serves_its_seeded_bucket(tmp_path: Path) -> None:
    with running(["demo"], tmp_path / "demo.log") as url:
        assert web.get(f"{url}/readyz").status_code == 200
        buckets = [a.text for a in soup(web.get(url).text).select("a.bucket")]
        assert sorted(buckets) == ["demo", "history", "scratch"]
        many = soup(web.get(f"{url}/b/demo", params={"prefix": "data/many/"}).text)
        assert len(many.select("tr.object")) == 200 and many.select_one("#more-rows")
    assert re.search(r"explorer at http://127\.0\.0\.1:\d+/", (tmp_path / "demo.log").read_text())


def test_forms_work_whichever_of_two_workers_answers(moto_endpoint: str, tmp_path: Path) -> None:
    """Workers share the CSRF secret: a token from one worker's page is valid on the other."""
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path"}
    env.pop("S3M_SECRET_KEY", None)
    fresh_connections = httpx.Limits(max_keepalive_connections=0)  # one kept-alive connection sticks to one worker
    with (
        running(["serve", "--workers", "2"], tmp_path / "serve.log", env) as url,
        httpx.Client(base_url=url, limits=fresh_connections) as client,
    ):
        token = page_token(client)
        for n in range(12):
            name = f"w{n}-{uuid.uuid4().hex[:8]}"
            made = client.post("/buckets", data={"name": name, "_csrf_token": token}, follow_redirects=False)
            assert made.status_code == 303, made.text


def test_bucket_setup_creates_a_bucket_with_the_cors_rule_and_is_idempotent(moto_endpoint: str, s3: object) -> None:
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path"}
    name = f"setup-{uuid.uuid4().hex[:8]}"
    command = [*COMMAND, "bucket-setup", name, "--origin", "http://localhost:8080"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    again = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert f"bucket {name}: created" in first.stdout and f"bucket {name}: exists" in again.stdout
    (rule,) = s3.get_bucket_cors(Bucket=name)["CORSRules"]  # type: ignore[attr-defined]
    assert rule["AllowedOrigins"] == ["http://localhost:8080"] and "ETag" in rule["ExposeHeaders"]
    bad = subprocess.run([*COMMAND, "bucket-setup", "Bad_Name"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "not a valid bucket name" in bad.stderr


def test_bucket_setup_waits_for_the_store_then_says_it_did_not_answer() -> None:
    env = {**os.environ, "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "S3_ADDRESSING_STYLE": "path"}
    started = time.monotonic()
    failed = subprocess.run(
        [*COMMAND, "bucket-setup", "later", "--wait", "1.5"], capture_output=True, text=True, env=env
    )
    assert failed.returncode == 2 and "did not answer" in failed.stderr
    assert time.monotonic() - started >= 1.5


def test_serve_warns_at_start_when_the_store_shares_the_gateways_site(moto_endpoint: str, tmp_path: Path) -> None:
    """Issue 14, item 1: a store on another port of the same host can plant cookies for the gateway."""
    env = {**os.environ, "S3_ENDPOINT_URL": moto_endpoint, "S3_ADDRESSING_STYLE": "path"}
    with running(["serve"], tmp_path / "near.log", env):
        pass
    assert (
        "WARNING: the store's public endpoint is on the same site as this gateway"
        in (tmp_path / "near.log").read_text()
    )
    apart = {**env, "S3_PUBLIC_ENDPOINT_URL": "https://files.example-cdn.com"}
    with running(["serve"], tmp_path / "apart.log", apart):
        pass
    assert "same site" not in (tmp_path / "apart.log").read_text()

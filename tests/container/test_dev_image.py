"""Dockerfile.dev: the same stack with the source mounted, and granian reloading when the code changes."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import web
from tests.container.conftest import CA_BUNDLE, ROOT, STANDIN, podman
from tests.servers import free_port

pytestmark = pytest.mark.container
DEV_IMAGE = "localhost/s3-manager:test-dev"


@pytest.fixture(name="source")
def fx_source(tmp_path: Path) -> Path:
    """A copy of the tracked files, to edit while the container runs."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(name="dev_container")
def fx_dev_container(podman_ready: None, source: Path) -> Iterator[str]:
    podman(
        "build", "--format", "docker", "-f", str(ROOT / "Dockerfile.dev"), "--build-arg", f"PYTHON_IMAGE={STANDIN}",
        "--secret", f"id=ca-bundle,src={CA_BUNDLE}", "-t", DEV_IMAGE, str(ROOT),
    )  # fmt: skip
    port = free_port()
    name = f"s3m-dev-{port}"
    podman("run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8000", "-v", f"{source}:/app:z",
           "-e", "S3_ENDPOINT_URL=http://127.0.0.1:1", DEV_IMAGE)  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        podman("rm", "-f", "-t", "1", name, check=False)


def answer(url: str) -> str:
    try:
        return web.get(url, timeout=2).text
    except httpx.HTTPError:
        return ""


def until(predicate: object, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_the_dev_container_serves_the_mounted_source_and_reloads_on_change(dev_container: str, source: Path) -> None:
    until(lambda: answer(f"{dev_container}/healthz") == "ok")
    health = source / "gateway" / "controllers" / "health.py"
    health.write_text(health.read_text().replace('return "ok"', 'return "ok, reloaded"'))
    until(lambda: answer(f"{dev_container}/healthz") == "ok, reloaded")

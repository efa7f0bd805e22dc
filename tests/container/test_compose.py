"""compose.yaml under podman-compose: SeaweedFS, the one-shot bucket setup, and the gateway on :8080, with the
registry images swapped for the local stand-ins by an override file (no registry here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import require, web
from tests.container.conftest import CONTAINERS_CONF, IMAGE, ROOT, SEAWEED_STANDIN, Build
from tests.container.test_kube import port_free

pytestmark = pytest.mark.container

OVERRIDE = f"""
services:
  seaweedfs:
    image: {SEAWEED_STANDIN}
    healthcheck:
      test: ["CMD", "python3", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8333/healthz')"]
  create-bucket:
    image: {IMAGE}
  gateway:
    image: {IMAGE}
"""


@pytest.fixture(name="compose")
def fx_compose(image: Build, tmp_path: Path) -> Iterator[None]:
    tool = shutil.which("podman-compose") or str(Path(sys.executable).with_name("podman-compose"))
    require(Path(tool).exists(), "podman-compose (pip install podman-compose)")
    require(port_free(8080) and port_free(8333), "free host ports 8080 and 8333 (compose.yaml publishes them)")
    (tmp_path / "override.yaml").write_text(OVERRIDE)
    command = [tool, "-f", str(ROOT / "compose.yaml"), "-f", str(tmp_path / "override.yaml")]
    env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
    subprocess.run([*command, "up", "-d", "--no-build"], env=env, check=True, capture_output=True, cwd=ROOT)
    try:
        yield
    finally:
        subprocess.run([*command, "down", "-v"], env=env, capture_output=True, cwd=ROOT)


def test_compose_brings_up_the_store_the_bucket_and_the_gateway(compose: None) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if 'href="/b/uploads"' in web.get("http://127.0.0.1:8080/", timeout=2).text:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the gateway never listed the bucket the one-shot step creates"
        time.sleep(0.5)
    api = "http://127.0.0.1:8080/api/v1/buckets/uploads/presign"
    put = web.post(f"{api}/put", json={"key": "hello.txt", "content_type": "text/plain"}).json()
    assert put["url"].startswith("http://localhost:8333/uploads/hello.txt?")  # what the host's browser reaches
    assert web.put(put["url"], content=b"via compose", headers=put["headers"]).status_code == 200
    get = web.post(f"{api}/get", json={"key": "hello.txt"}).json()
    assert web.get(get["url"]).content == b"via compose"

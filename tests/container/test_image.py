"""The image from the real Dockerfile: small, unprivileged, read-only, healthy, and working against a real S3 server
(SeaweedFS in a second container) through its published port. Timings are printed, not asserted."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from gateway import __version__
from tests.conftest import web
from tests.container.conftest import IMAGE, ROOT, STANDIN, Build, Running, beside_seaweedfs, build, podman

pytestmark = pytest.mark.container
MB = 1000 * 1000


def image_size(image: str) -> int:
    return int(podman("image", "inspect", image, "--format", "{{.Size}}").stdout.strip())


def test_the_image_adds_little_to_its_base_and_carries_no_build_tools(image: Build) -> None:
    added = image_size(IMAGE) - image_size(STANDIN)
    print(f"\nimage built in {image.seconds:.1f} s; it adds {added / MB:.1f} MB over its base")
    # 60 MB until single sign-on: checking an ID token's RSA or EC signature takes joserfc on cryptography (~20 MB)
    assert added <= 70 * MB
    inspected = json.loads(podman("image", "inspect", IMAGE).stdout)[0]
    config = inspected["Config"]
    assert config["User"] == "65532:65532"
    assert "/healthz" in " ".join(inspected["Healthcheck"]["Test"])
    assert config["Labels"]["org.opencontainers.image.title"] == "s3-manager"
    assert config["Labels"]["org.opencontainers.image.version"] == __version__
    assert config["Cmd"][:4] == ["python3", "-m", "gateway.cli", "serve"]
    absent = "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) for m in ('pip', 'faker', 'pygments')))"
    assert podman("run", "--rm", IMAGE, "python3", "-c", absent, check=False).returncode == 0
    assert podman("run", "--rm", IMAGE, "sh", "-c", "command -v gcc cc", check=False).returncode != 0


def test_a_change_to_app_code_rebuilds_on_the_cached_dependency_layer(image: Build, tmp_path: Path) -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    with (tmp_path / "gateway" / "__init__.py").open("a") as file:
        file.write(f"# a change to the app's code only: {uuid.uuid4()}\n")  # unique, or a cached layer matches
    again = build(tmp_path, "localhost/s3-manager:test-rebuild")
    print(f"\nrebuild after a code change: {again.seconds:.1f} s (first build {image.seconds:.1f} s)")
    assert "Using cache" in step(again.log, "pip install")
    assert "Using cache" not in step(again.log, "COPY gateway")
    podman("rmi", "-f", "localhost/s3-manager:test-rebuild", check=False)


def step(log: str, command: str) -> str:
    """The output of the build step whose first line names `command`."""
    return next(s for s in log.split("STEP ")[1:] if command in s.split("\n", 1)[0] or command in s[:400])


@pytest.fixture(name="running", scope="module")
def fx_running(image: Build, network: str) -> Iterator[Running]:
    with beside_seaweedfs(IMAGE, network) as running:
        yield running


def test_the_healthcheck_is_cheap(running: Running) -> None:
    """The HEALTHCHECK runs every 10 s in every replica (and under qemu on other architectures): one bare GET."""
    started = time.monotonic()
    podman("healthcheck", "run", running.name)
    took = time.monotonic() - started
    healthcheck = json.loads(podman("image", "inspect", IMAGE).stdout)[0]["Healthcheck"]
    seconds = {name: healthcheck[name] / 1e9 for name in ("Interval", "Timeout", "StartPeriod")}
    assert (seconds, healthcheck["Retries"]) == ({"Interval": 10, "Timeout": 3, "StartPeriod": 5}, 3)  # the seed's
    command = healthcheck["Test"]
    started = time.monotonic()
    podman("exec", running.name, *command[1:])
    print(f"\nhealthcheck run: {took:.2f} s; podman exec of its command: {time.monotonic() - started:.2f} s")
    refused = [part.replace("/healthz", "/no-such-page") for part in command[1:]]
    assert podman("exec", running.name, *refused, check=False).returncode == 1  # not 200: unhealthy


def test_without_sign_in_configured_it_refuses_to_serve_on_every_address(image: Build) -> None:
    """The image listens on 0.0.0.0: with no access file, anyone who reached it could empty the store."""
    answer = podman("run", "--rm", "--read-only", IMAGE, check=False)
    assert answer.returncode == 2
    assert "refusing to serve on 0.0.0.0 without sign-in" in answer.stderr


def test_it_runs_unprivileged_on_a_read_only_root(running: Running) -> None:
    assert podman("exec", running.name, "id", "-u").stdout.strip() == "65532"
    wrote = podman("exec", running.name, "python3", "-c", "open('/app/x', 'w')", check=False)
    assert wrote.returncode != 0 and "Read-only file system" in wrote.stderr
    inspect = json.loads(podman("inspect", running.name).stdout)[0]
    assert inspect["HostConfig"]["ReadonlyRootfs"] is True


def test_the_explorer_answers_through_the_published_port(running: Running) -> None:
    ready = web.get(f"{running.url}/readyz").text.splitlines()  # the store is on this host too: the same site
    assert ready[0] == "ready" and ready[1].startswith("warning: the store's public endpoint is on the same site")
    page = BeautifulSoup(web.get(running.url).text, "html.parser")
    assert [a.text for a in page.select("a.bucket")] == ["uploads"]


def test_presigned_urls_from_the_container_work_from_the_host(running: Running) -> None:
    api = f"{running.url}/api/v1/buckets/uploads/presign"
    put = web.post(f"{api}/put", json={"key": "from-host.txt", "content_type": "text/plain"}).json()
    assert put["url"].startswith(running.s3_url)  # signed for the address the host uses
    assert web.put(put["url"], content=b"through the container", headers=put["headers"]).status_code == 200
    get = web.post(f"{api}/get", json={"key": "from-host.txt"}).json()
    assert web.get(get["url"]).content == b"through the container"

"""kube.yaml under `podman play kube` (through docker/podman_kube.py, for Podman 4.3's Secret handling): two
gateway replicas and the local SeaweedFS pod start, presigned URLs minted by either replica work, and down cleans up.
The YAML's host ports (8080, 8333) are used as they are."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup

from tests.conftest import require, web
from tests.container.conftest import CONTAINERS_CONF, IMAGE, ROOT, SEAWEED_STANDIN, Build, podman

pytestmark = pytest.mark.container
REPLICAS = ["s3-manager-pod-0-gateway", "s3-manager-pod-1-gateway"]


def helper(action: str, *extra: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "docker/podman_kube.py"), action, str(ROOT / "kube.yaml"), *extra],
        env={**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)},
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, f"podman_kube.py {action} failed:\n{done.stdout}\n{done.stderr}"


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def inside(container: str, path: str, body: dict[str, str] | None = None) -> dict[str, str]:
    """Call the gateway's API from inside a replica (the Deployment publishes no host port)."""
    script = (
        "import json, sys, urllib.request as u; body = sys.argv[2].encode() or None; "
        "kind = {'content-type': 'application/json'}; "
        "r = u.Request('http://127.0.0.1:8000' + sys.argv[1], data=body, headers=kind); "
        "print(u.urlopen(r).read().decode())"
    )
    answer = podman("exec", container, "python3", "-c", script, path, json.dumps(body) if body else "")
    result: dict[str, str] = json.loads(answer.stdout)
    return result


@pytest.fixture(name="kube")
def fx_kube(image: Build, network: str) -> Iterator[None]:
    require(port_free(8080) and port_free(8333), "free host ports 8080 and 8333 (kube.yaml publishes them)")
    images = [
        f"--image=docker.io/chrislusf/seaweedfs:4.48={SEAWEED_STANDIN}",
        f"--image=localhost/s3-manager:latest={IMAGE}",
    ]
    helper("up", "--network", network, *images)
    try:
        yield
    finally:
        helper("down")


def test_play_kube_runs_two_replicas_that_sign_urls_for_the_local_store(kube: None) -> None:
    deadline = time.monotonic() + 60
    for replica in REPLICAS:
        while podman("exec", replica, "python3", "-c", READY, check=False).returncode != 0:
            assert time.monotonic() < deadline, podman("logs", replica, check=False).stdout
            time.sleep(0.3)
    podman(
        "exec", REPLICAS[0], "python3", "-m", "gateway.cli", "bucket-setup", "kube", "--origin", "http://127.0.0.1:8080"
    )

    put = inside(REPLICAS[0], "/api/v1/buckets/kube/presign/put", {"key": "hello.txt"})
    assert put["url"].startswith("http://127.0.0.1:8333/kube/hello.txt?")
    assert web.put(put["url"], content=b"from the host").status_code == 200
    get = inside(REPLICAS[1], "/api/v1/buckets/kube/presign/get", {"key": "hello.txt"})
    assert web.get(get["url"]).content == b"from the host"

    page = BeautifulSoup(web.get("http://127.0.0.1:8080/").text, "html.parser")  # the local pod's gateway
    assert [a.text for a in page.select("a.bucket")] == ["kube"]


def test_play_kube_down_leaves_nothing(image: Build, network: str) -> None:
    require(port_free(8080) and port_free(8333), "free host ports 8080 and 8333 (kube.yaml publishes them)")
    images = [
        f"--image=docker.io/chrislusf/seaweedfs:4.48={SEAWEED_STANDIN}",
        f"--image=localhost/s3-manager:latest={IMAGE}",
    ]
    helper("up", "--network", network, *images)
    helper("down")
    pods = podman("pod", "ps", "--format", "{{.Name}}").stdout.split()
    assert not [p for p in pods if p.startswith(("s3-manager-pod-", "s3-local"))]
    assert "s3-manager-credentials" not in podman("secret", "ls", "--format", "{{.Name}}").stdout.split()


READY = (
    "import urllib.request as u; "
    "assert u.urlopen('http://127.0.0.1:8000/readyz', timeout=2).read().startswith(b'ready')"
)

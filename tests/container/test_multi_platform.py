"""`just build-multi`: one manifest list for linux/amd64 and linux/arm64, built on a manifest list of the two
stand-in bases, and the arm64 image run under qemu next to SeaweedFS until healthy, answering and presigning.
About 10 minutes from nothing (an arm64 debootstrap, then an emulated pip install), so it is its own tier:
`just test-arm64`, which CI runs after `just test`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway import __version__
from tests.conftest import require, web
from tests.container.conftest import (
    ARM64_STANDIN,
    CONTAINERS_CONF,
    ROOT,
    STANDIN,
    Running,
    beside_seaweedfs,
    podman,
    podman_to_ourselves,
    python_standin,
)

pytestmark = [pytest.mark.container, pytest.mark.emulated]
BINFMT = Path("/proc/sys/fs/binfmt_misc")
BASES = "localhost/python-standin:3.13-slim-both"
MULTI = "localhost/s3-manager:multi"


@pytest.fixture(name="arm64_emulation", scope="module")
def fx_arm64_emulation() -> None:
    """The kernel runs arm64 programs through qemu-aarch64-static, with the F flag so that containers can too.
    These machines do not mount binfmt_misc: root can (CONTAINERS.md), and it lasts until reboot."""
    handler = BINFMT / "qemu-aarch64"
    if not handler.exists():
        require(shutil.which("update-binfmts") is not None, "qemu-user-static and binfmt-support (apt-get install)")
        if not (BINFMT / "register").exists():
            subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)], check=True)
        subprocess.run(["update-binfmts", "--enable", "qemu-aarch64"], check=True)
    registered = handler.read_text()
    assert registered.startswith("enabled") and "flags: PF" in registered, registered


@pytest.fixture(name="bases", scope="module")
def fx_bases(podman_ready: None, arm64_emulation: None) -> str:
    """A manifest list of the amd64 and arm64 stand-ins, the FROM of a multi-platform build (kept between runs)."""
    with podman_to_ourselves():
        python_standin(ARM64_STANDIN, "arm64")
        podman("manifest", "rm", BASES, check=False)
        podman("manifest", "create", BASES)
        for standin in (STANDIN, ARM64_STANDIN):
            podman("manifest", "add", BASES, f"containers-storage:{standin}")
    return BASES


@pytest.fixture(name="multi", scope="module")
def fx_multi(bases: str) -> str:
    """The recipe users run, on the stand-ins: `just build-multi BASE`."""
    require(shutil.which("just") is not None, "just (pip install rust-just)")
    started = time.monotonic()
    with podman_to_ourselves():
        subprocess.run(
            ["just", "build-multi", bases], cwd=ROOT, env={**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)},
            check=True, capture_output=True, timeout=1800,
        )  # fmt: skip
    print(f"\njust build-multi (amd64 native, arm64 under qemu): {time.monotonic() - started:.0f} s")
    return MULTI


def platforms(manifest: dict[str, object]) -> dict[str, str]:
    """Each instance's architecture and its digest, from a manifest list or OCI index."""
    entries = manifest["manifests"]
    assert isinstance(entries, list)
    return {entry["platform"]["architecture"]: entry["digest"] for entry in entries}


def test_one_manifest_list_holds_both_platforms_each_labelled_with_the_version(multi: str, tmp_path: Path) -> None:
    instances = platforms(json.loads(podman("manifest", "inspect", multi).stdout))
    assert sorted(instances) == ["amd64", "arm64"]
    for architecture, digest in instances.items():
        image = json.loads(podman("image", "inspect", f"{multi}@{digest}").stdout)[0]
        assert image["Architecture"] == architecture
        assert image["Labels"]["org.opencontainers.image.version"] == __version__
        assert "/healthz" in " ".join(image["Healthcheck"]["Test"])
    # what a registry would receive: an OCI index naming both
    podman("manifest", "push", "--all", multi, f"oci:{tmp_path / 'layout'}")
    index = json.loads((tmp_path / "layout" / "index.json").read_text())
    pushed = json.loads((tmp_path / "layout" / "blobs" / "sha256" / index["manifests"][0]["digest"][7:]).read_text())
    assert sorted(platforms(pushed)) == ["amd64", "arm64"]


@pytest.fixture(name="arm64_gateway", scope="module")
def fx_arm64_gateway(multi: str, network: str) -> Iterator[Running]:
    """The arm64 instance, run under qemu. Its start (importing the app, checking the store) takes about a minute
    rather than half a second, and one health check about 2.5 s of the image's 3 s (podman's exec and the
    interpreter's start, emulated): this run gets longer limits of its own, and the image keeps the seed's timing."""
    arm64 = platforms(json.loads(podman("manifest", "inspect", multi).stdout))["arm64"]
    with beside_seaweedfs(f"{multi}@{arm64}", network, 300, ("--health-timeout", "15s")) as running:
        yield running


def test_the_arm64_image_runs_under_emulation_healthy_and_presigning(arm64_gateway: Running) -> None:
    assert podman("exec", arm64_gateway.name, "uname", "-m").stdout.strip() == "aarch64"
    started = time.monotonic()
    podman("healthcheck", "run", arm64_gateway.name)
    print(f"\narm64 health check under qemu: {time.monotonic() - started:.2f} s (the image allows 3 s natively)")
    assert web.get(f"{arm64_gateway.url}/api/v1").json()["version"] == __version__
    api = f"{arm64_gateway.url}/api/v1/buckets/uploads/presign"
    put = web.post(f"{api}/put", json={"key": "from-arm64.txt", "content_type": "text/plain"}).json()
    assert web.put(put["url"], content=b"signed on arm64", headers=put["headers"]).status_code == 200
    get = web.post(f"{api}/get", json={"key": "from-arm64.txt"}).json()
    assert web.get(get["url"]).content == b"signed on arm64"

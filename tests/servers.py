"""For the servers the tests start: free loopback ports, npm packages installed once, and waiting until a store
answers. A port found free may be taken by another test process before the server binds it; SeaweedFS's starter
then tries again on new ports."""

from __future__ import annotations

import fcntl
import random
import shutil
import socket
import subprocess
import time
from pathlib import Path

from gateway.s3 import make_client
from gateway.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port_pair() -> int:
    """A port p with p + 10000 free too: SeaweedFS puts each service's gRPC there."""
    while True:
        port = free_port()
        if port + 10000 < 65536:
            try:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + 10000))
                return port
            except OSError:
                continue


def free_range(size: int) -> dict[str, int]:
    """`size` ports in a row, free now, below the range the kernel hands out (so free_port() never picks them)."""
    while True:
        first = random.randrange(20000, 32000 - size)
        try:
            for port in range(first, first + size):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return {"first": first, "last": first + size - 1}
        except OSError:
            continue


def answers_within(endpoint: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether the store at `endpoint` answers ListBuckets before `process` exits or `seconds` pass."""
    client = make_client(Settings(region="us-east-1", addressing_style="path"), endpoint)
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            client.list_buckets()
            return True
        except Exception:
            time.sleep(0.2)
    return False


def node_installed() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def npm_install_once(home: Path, package: str, version: str) -> None:
    """Install `package`@`version` from the npm registry into `home` once (under a lock: two test processes may
    ask at the same time)."""
    home.mkdir(exist_ok=True)
    with (home / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / "node_modules" / package / "package.json").exists():
            subprocess.run(
                ["npm", "install", "--silent", "--no-audit", "--no-fund", f"{package}@{version}"],
                cwd=home, check=True, timeout=300,
            )  # fmt: skip

"""For the servers the tests start: free loopback ports, and waiting until a store answers. A port found free may be
taken by another test process before the server binds it; SeaweedFS's starter then tries again on new ports."""

from __future__ import annotations

import random
import socket
import subprocess
import time

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

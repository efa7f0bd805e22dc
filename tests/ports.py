"""Free loopback ports for the servers the tests start. A port found free may be taken before the server binds it
(by another test process): the starters try again on new ports when that happens."""

from __future__ import annotations

import random
import socket


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

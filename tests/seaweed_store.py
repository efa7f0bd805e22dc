"""SeaweedFS for the tests: `weed mini` (master, volume, filer and S3 in one process) on loopback ports, with an
identities file, so signatures, expiry, POST policies and bucket CORS rules are really checked."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import answers_within, free_port_pair


@contextmanager
def seaweed_server(weed: str, workdir: Path, credentials: dict[str, str]) -> Iterator[str]:
    """Start `weed mini` on loopback ports under `workdir`; stop it (KILL) and clean its sockets."""
    identities = {
        "identities": [
            {
                "name": "admin",
                "credentials": [
                    {"accessKey": credentials["AWS_ACCESS_KEY_ID"], "secretKey": credentials["AWS_SECRET_ACCESS_KEY"]}
                ],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
        ]
    }
    (workdir / "s3.json").write_text(json.dumps(identities))
    env = {**os.environ, "WEED_MASTER_VOLUME_GROWTH_COPY_1": "1", "TMPDIR": str(workdir)}
    log = (workdir / "weed.log").open("w")
    for attempt in range(1, 4):  # another test worker may take a port between finding it free and weed binding it
        ports = {name: free_port_pair() for name in ("master", "volume", "filer", "s3", "admin")}
        command = [
            weed, "-logtostderr", "mini", f"-dir={workdir}/data-{attempt}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            *(f"-{name}.port={port}" for name, port in ports.items()),
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
            f"-s3.config={workdir}/s3.json",
            f"-s3.localSocket={workdir}/s3.sock", f"-filer.localSocket={workdir}/filer.sock",
        ]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        endpoint = f"http://127.0.0.1:{ports['s3']}"
        if answers_within(endpoint, process, 60):
            break
        stop_seaweed(process, ports)
    else:
        log.close()
        raise RuntimeError(f"SeaweedFS did not start; see {workdir}/weed.log")
    try:
        yield endpoint
    finally:
        stop_seaweed(process, ports)
        log.close()


def stop_seaweed(process: subprocess.Popen[bytes], ports: dict[str, int]) -> None:
    process.kill()  # its data is thrown away: no need for the seconds a clean stop of its filer takes
    process.wait()
    for name, port in ports.items():
        Path(f"/tmp/seaweedfs-{name}-grpc-{port + 10000}.sock").unlink(missing_ok=True)

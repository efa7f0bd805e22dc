"""Ceph's RADOS Gateway on one node, for the tests: one monitor, one OSD that keeps its data in memory, radosgw on a
loopback port, cephx off. Ready in about 11 s; it checks signatures, POST policies, CORS preflights, versioning and
lifecycle as AWS does. The recipe and its traps are in ../shared/BACKENDS.md (a radosgw that waits 300 s for a
secure monitor connection cephx-less clusters cannot give; `rgw_dns_name` left unset so `localhost` is no bucket).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DAEMONS = ("ceph-mon", "ceph-osd", "radosgw")
START_TIMEOUT = 60.0  # seconds for the whole cluster; radosgw alone takes about 5


def installed() -> bool:
    return all(shutil.which(name) for name in (*DAEMONS, "ceph", "radosgw-admin", "monmaptool", "ceph-authtool"))


def config(workdir: Path, fsid: str, ports: dict[str, int]) -> str:
    return f"""[global]
fsid = {fsid}
mon_host = [v2:127.0.0.1:{ports["mon2"]},v1:127.0.0.1:{ports["mon1"]}]
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_bind_port_min = {ports["first"]}
ms_bind_port_max = {ports["last"]}
public_network = 127.0.0.0/8
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
osd_crush_chooseleaf_type = 0
run_dir = {workdir}/run
log_file = {workdir}/log/$name.log
admin_socket = {workdir}/run/$name.asok
pid_file = {workdir}/run/$name.pid
[mon]
mon_data = {workdir}/mon
mon_cluster_log_file = {workdir}/log/cluster.log
[osd]
osd_data = {workdir}/osd0
osd_objectstore = memstore
memstore_device_bytes = 2147483648
[client.rgw]
rgw_data = {workdir}/rgw
rgw_frontends = beast endpoint=127.0.0.1:{ports["rgw"]}
rgw_enable_static_website = true
ms_mon_client_mode = crc
ms_client_mode = crc
"""


@contextmanager
def ceph_rgw(workdir: Path, ports: dict[str, int], access_key: str, secret_key: str) -> Iterator[str]:
    """Start the cluster under `workdir` on `ports` (mon2, mon1, rgw, and the range first..last for the daemons'
    own), make the S3 user, and yield the endpoint; stop every daemon by its pid file, whatever happened."""
    for name in ("mon", "osd0", "rgw", "run", "log"):
        (workdir / name).mkdir(parents=True, exist_ok=True)
    fsid = str(uuid.uuid4())
    conf = workdir / "ceph.conf"
    conf.write_text(config(workdir, fsid, ports))
    log = (workdir / "log" / "setup.log").open("w")
    deadline = time.monotonic() + START_TIMEOUT

    def run(*command: str) -> str:
        left = max(1.0, deadline - time.monotonic())
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=log, text=True, timeout=left, check=True)
        return done.stdout.strip()

    c = ("-c", str(conf))
    try:
        run("ceph-authtool", "--create-keyring", f"{workdir}/mon.keyring", "--gen-key", "-n", "mon.", "--cap", "mon",
            "allow *")  # fmt: skip
        monitors = f"[v2:127.0.0.1:{ports['mon2']},v1:127.0.0.1:{ports['mon1']}]"
        run("monmaptool", "--create", "--addv", "a", monitors, "--fsid", fsid, f"{workdir}/monmap")
        run("ceph-mon", *c, "--mkfs", "-i", "a", "--monmap", f"{workdir}/monmap", "--keyring", f"{workdir}/mon.keyring")
        run("ceph-mon", *c, "-i", "a")
        osd_uuid = str(uuid.uuid4())
        osd = run("ceph", *c, "--connect-timeout", "20", "osd", "new", osd_uuid)
        run("ceph-osd", *c, "-i", osd, "--mkfs", "--osd-uuid", osd_uuid)
        run("ceph-osd", *c, "-i", osd)
        run("radosgw", *c, "-n", "client.rgw")
        run("radosgw-admin", *c, "-n", "client.rgw", "user", "create", "--uid=admin", "--display-name=admin",
            f"--access-key={access_key}", f"--secret-key={secret_key}")  # fmt: skip
        endpoint = f"http://127.0.0.1:{ports['rgw']}"
        wait_for(endpoint, deadline)
        yield endpoint
    finally:
        stop(workdir / "run")
        log.close()


def wait_for(endpoint: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(endpoint, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"radosgw did not answer at {endpoint}")


def stop(run_dir: Path) -> None:
    """Stop the daemons by their pid files (never by name: other clusters may run), and wait until they are gone."""
    pids = []
    for pid_file in run_dir.glob("*.pid"):
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGKILL)  # the data lives in memory and is thrown away: no need for a clean stop
            pids.append(pid)
        except (ValueError, ProcessLookupError):
            continue
    deadline = time.monotonic() + 10
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if alive(pid)]
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

"""The presign routes over HTTP: the gateway under granian (one worker) against its own ceiling and against Companion.

Starts a moto server, `s3-manager serve --workers 1`, the stack's floor (bench/floor_app.py: granian, Litestar and a
boto3 client, nothing else) and @uppy/companion (installed from the npm registry into bench/.companion on first
use), all on loopback. The gateway and the floor run from bench/.runtime, a virtualenv with the gateway's own
dependencies only (as in the image): the development venv's extras (pydantic, for one) would be imported by Litestar
and counted. wrk then drives, for --seconds each:
  ceiling    GET /api/v1 on the gateway: a constant JSON answer, what the framework costs
  gateway    GET /s3/multipart/{uploadId}/{n}?key=  (Uppy's signPart) on the gateway
  floor      GET / on the floor app
  companion  the same signPart route on Companion
and the script prints requests/s and p99 latency, the ratios, the memory of each server after its run, the gateway
worker's memory before and after the load, and the time from start to the first healthy answer.

Memory is given two ways, summed over a server's processes (granian's main process and its worker; Companion's one):
RSS, and PSS. granian forks its worker, so the two share pages, which RSS counts in each and PSS shares out: the PSS
sum is the memory the server really holds, and the ratios use it.

    python bench/http_routes.py [--seconds 10] [--connections 32] [--json bench/results/http_routes.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import httpx

from gateway.demo import start_moto

BENCH = Path(__file__).parent
COMPANION = BENCH / ".companion"
COMPANION_VERSION = "6.2.2"
RUNTIME = BENCH / ".runtime"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ok(url: str, limit: float = 30) -> float:
    """Seconds until `url` answers 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.01)
    raise RuntimeError(f"{url} did not answer")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def tree_memory(pid: int) -> dict[str, float]:
    """RSS and PSS in MiB, summed over `pid` and its children."""
    totals = {"rss_mib": 0.0, "pss_mib": 0.0}
    for process in (pid, *children(pid)):
        with open(f"/proc/{process}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, value = line.partition(":")
                if name in ("Rss", "Pss"):
                    totals[f"{name.lower()}_mib"] += int(value.split()[0]) / 1024
    return totals


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict[str, float]:
    """Requests/s, p99 in ms, and the failed requests: non-2xx/3xx answers plus socket errors (wrk's own count)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *(["-s", str(script)] if script else []), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": float(sum(int(n) for n in sockets.groups())) if sockets else 0.0,
    }


def ensure_runtime() -> Path:
    """bench/.runtime's python, with the gateway installed (editable, so it runs this checkout) and nothing else."""
    python = RUNTIME / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(RUNTIME)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(BENCH.parent)],
        check=True,
    )
    return python


def ensure_companion() -> Path:
    entry = COMPANION / "node_modules/@uppy/companion/bin/companion"
    if not entry.exists():
        COMPANION.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", f"@uppy/companion@{COMPANION_VERSION}"],
            cwd=COMPANION, check=True,
        )  # fmt: skip
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per route (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/http_routes.json"), help="results file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/http_routes.py needs wrk (apt-get install wrk)")
    credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
    os.environ.update(credentials)
    python = str(ensure_runtime())
    server, endpoint = start_moto()
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: list[str], env: dict[str, str], **options: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)
        processes.append(process)
        return process

    try:
        httpx.put(f"{endpoint}/bench")  # the bucket
        port = free_port()
        env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_UPLOAD_BUCKET": "bench"}
        started = time.perf_counter()
        gateway = start([python, "-m", "gateway.cli", "serve", "--port", str(port), "--workers", "1"], env)
        wait_ok(f"http://127.0.0.1:{port}/healthz")
        start_to_healthy = time.perf_counter() - started
        base = f"http://127.0.0.1:{port}"
        upload = httpx.post(f"{base}/s3/multipart", json={"filename": "movie.bin", "type": "video/mp4"}).json()
        sign_part = f"/s3/multipart/{upload['uploadId']}/7?key={upload['key']}"
        (worker,) = children(gateway.pid)

        floor_port = free_port()
        floor = start(
            [python, "-m", "granian", "--interface", "asgi", "--workers", "1", "--no-ws", "--port", str(floor_port),
             "floor_app:app"],
            env, cwd=BENCH,
        )  # fmt: skip
        floor_url = f"http://127.0.0.1:{floor_port}/"
        wait_ok(floor_url)

        companion_port = free_port()
        companion_env = {
            **os.environ, "COMPANION_SECRET": "bench", "COMPANION_DOMAIN": f"127.0.0.1:{companion_port}",
            "COMPANION_PROTOCOL": "http", "COMPANION_PORT": str(companion_port), "COMPANION_DATADIR": str(COMPANION),
            "COMPANION_AWS_KEY": "bench", "COMPANION_AWS_SECRET": "bench", "COMPANION_AWS_BUCKET": "bench",
            "COMPANION_AWS_REGION": "us-east-1", "COMPANION_AWS_ENDPOINT": endpoint,
            "COMPANION_AWS_FORCE_PATH_STYLE": "true", "COMPANION_CLIENT_ORIGINS": "true",
        }  # fmt: skip
        companion = start(["node", str(ensure_companion())], companion_env)
        companion_url = f"http://127.0.0.1:{companion_port}/s3/multipart/some-upload-id/7?key=movie.bin"
        wait_ok(companion_url)

        worker_before = rss_mib(worker)
        results = {
            "ceiling": wrk(f"{base}/api/v1", args.seconds, args.connections),
            "gateway": wrk(base + sign_part, args.seconds, args.connections),
            "floor": wrk(floor_url, args.seconds, args.connections),
            "companion": wrk(companion_url, args.seconds, args.connections),
        }
        memory = {
            "gateway": tree_memory(gateway.pid),
            "floor": tree_memory(floor.pid),
            "companion": tree_memory(companion.pid),
            "gateway worker": {"before_mib": worker_before, "after_mib": rss_mib(worker)},
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        server.stop()

    requests = sum(r["requests_per_s"] for r in results.values()) * args.seconds
    companion_pss = memory["companion"]["pss_mib"]
    ratios = {
        "gateway / ceiling (target >= 0.6)": results["gateway"]["requests_per_s"]
        / results["ceiling"]["requests_per_s"],
        "gateway / companion (target >= 10)": results["gateway"]["requests_per_s"]
        / results["companion"]["requests_per_s"],
        "gateway memory / companion (target <= 0.25)": memory["gateway"]["pss_mib"] / companion_pss,
        "floor memory / companion": memory["floor"]["pss_mib"] / companion_pss,
        "gateway memory / floor": memory["gateway"]["pss_mib"] / memory["floor"]["pss_mib"],
        "worker memory after / before": memory["gateway worker"]["after_mib"] / memory["gateway worker"]["before_mib"],
    }
    print(
        f"presign over HTTP: wrk, {args.connections} connections, {args.seconds} s a route, ~{requests:,.0f} requests"
    )
    for name, figures in results.items():
        print(f"  {name:<10} {figures['requests_per_s']:9.0f} req/s   p99 {figures['p99_ms']:7.2f} ms"
              f"   non-2xx {figures['errors']:.0f}")  # fmt: skip
    for name, values in memory.items():
        print(f"  {name + ' memory':<24}" + "".join(f"  {k[:-4]} {v:6.1f} MiB" for k, v in values.items()))
    print(f"  {'start to first healthy answer':<32} {start_to_healthy:8.2f} s")
    for name, value in ratios.items():
        print(f"  {name:<44} {value:7.2f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"results": results, "memory": memory, "start_to_healthy_s": start_to_healthy, "ratios": ratios}, indent=2
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

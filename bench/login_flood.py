"""/healthz during a flood of bogus sign-ins: the password hash (scrypt, about 50 ms of a core) runs off the event
loop, two at a time, so the worker keeps answering everything else.

Starts a moto server and `s3-manager serve` (one worker) with an access file, then measures the median and p99 of
/healthz, probed every 20 ms, in three phases of --seconds each:
  idle        nothing else going on (the baseline)
  flood       --connections clients posting wrong passwords as fast as they are answered, each from its own address
              and name (X-Forwarded-For through a trusted proxy), so the throttle never steps in and every attempt
              is hashed: what hashing costs the loop
  throttled   the same flood from one address: after 20 failures a minute it is refused without hashing

    python bench/login_flood.py [--seconds 5] [--connections 24] [--json bench/results/login_flood.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from http_routes import free_port, wait_ok  # bench/ is on the path when a script here runs

from gateway.demo import start_moto
from gateway.security.grants import hash_password

TARGET_MEDIAN_MS = 50


def probe(url: str, seconds: float) -> list[float]:
    """/healthz latencies in ms, one request every 20 ms; in a process of its own, so the flood's client work does
    not count as the gateway's latency."""
    found: list[float] = []
    with httpx.Client() as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            started = time.perf_counter()
            client.get(f"{url}/healthz")
            found.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    return found


async def flood(url: str, seconds: float, worker: int, spread: bool, counts: dict[str, int]) -> None:
    """Wrong passwords, one after another, from one client with its own visitor id and CSRF token."""
    address = f"10.{worker // 250}.{worker % 250}.7" if spread else "10.0.0.1"
    async with httpx.AsyncClient(headers={"X-Forwarded-For": address}) as client:
        page = (await client.get(f"{url}/login")).text
        token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        end, n = time.perf_counter() + seconds, 0
        while time.perf_counter() < end:
            n += 1
            name = f"mallory-{worker}-{n}" if spread else "mallory"
            data = {"name": name, "password": "guess", "_csrf_token": token}
            answer = await client.post(f"{url}/login", data=data)
            counts[str(answer.status_code)] = counts.get(str(answer.status_code), 0) + 1


async def phase(url: str, seconds: float, connections: int, spread: bool | None) -> dict[str, Any]:
    counts: dict[str, int] = {}
    with ProcessPoolExecutor(max_workers=1) as pool:
        probed = asyncio.wrap_future(pool.submit(probe, url, seconds))
        floods = [] if spread is None else [flood(url, seconds, w, spread, counts) for w in range(connections)]
        latencies, *_ = await asyncio.gather(probed, *floods)
    cuts = statistics.quantiles(latencies, n=100)
    return {"median_ms": statistics.median(latencies), "p99_ms": cuts[98], "probes": len(latencies), "answers": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=24)
    parser.add_argument("--json", type=Path, default=Path("bench/results/login_flood.json"))
    args = parser.parse_args()
    server, endpoint = start_moto()
    folder = Path(tempfile.mkdtemp(prefix="s3m-flood-"))
    access = folder / "access.toml"
    access.write_text(
        f'[users.alice]\npassword = "{hash_password("right")}"\ngrants = []\n\n[proxy]\ntrusted = ["127.0.0.1/32"]\n'
    )
    port = free_port()
    env = {
        **os.environ,
        **{"S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_ACCESS_FILE": str(access)},
        **{
            "S3M_LOG_LEVEL": "warning",
            "AWS_ACCESS_KEY_ID": "x",
            "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_REGION": "us-east-1",
        },
    }
    command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
    gateway = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ok(f"{url}/healthz")
        results = {
            name: asyncio.run(phase(url, args.seconds, args.connections, spread))
            for name, spread in (("idle", None), ("flood", True), ("throttled", False))
        }
    finally:
        gateway.terminate()
        gateway.wait(timeout=10)
        server.stop()
    print(f"/healthz while {args.connections} clients send wrong passwords ({args.seconds:g} s a phase, one worker)")
    print(f"{'phase':<10} {'median':>9} {'p99':>9} {'probes':>7}  sign-in answers")
    for name, r in results.items():
        print(f"{name:<10} {r['median_ms']:>7.2f}ms {r['p99_ms']:>7.2f}ms {r['probes']:>7}  {r['answers'] or '-'}")
    flood_median = results["flood"]["median_ms"]
    verdict = "met" if flood_median < TARGET_MEDIAN_MS else "NOT met"
    print(f"flood median / idle median: {flood_median / results['idle']['median_ms']:.2f}x; "
          f"target < {TARGET_MEDIAN_MS} ms: {verdict}")  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"seconds": args.seconds, "connections": args.connections, **results}, indent=2))


if __name__ == "__main__":
    main()

"""Whole-folder scans against SeaweedFS: the gateway's search and folder size (the NDJSON scan route) against the
bare ListObjectsV2 paging loop over the same keys, in one run (issue 18: at least 0.9x the bare loop's throughput),
and how soon the first match arrives.

    .venv/bin/python bench/scan.py [--keys 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' SeaweedFS recipe, run from anywhere

import httpx
from report import report  # bench/report.py, beside this script

from gateway.s3 import make_client
from tests.conftest import CREDENTIALS, gateway_settings, serve_on_a_free_port
from tests.seaweed_store import seaweed_server

BUCKET = "scan-bench"


def fill(s3: Any, keys: int) -> None:
    s3.create_bucket(Bucket=BUCKET)
    names = [f"logs/{n // 1000:03}/{n:06}{'-match' if n % 100 == 7 else ''}.log" for n in range(keys)]
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=BUCKET, Key=key, Body=b"x"), names))


def bare_loop(s3: Any) -> tuple[float, int]:
    """What the store costs: ListObjectsV2 pages of 1,000, every key counted."""
    started, count = time.perf_counter(), 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="logs/"):
        count += len(page.get("Contents", []))
    return time.perf_counter() - started, count


def through_gateway(client: httpx.Client, **params: str) -> tuple[float, float, int]:
    """One scan request, read as a stream: its total time, the time to its first line, and the keys it listed."""
    started, first = time.perf_counter(), 0.0
    with client.stream("GET", f"/api/v1/buckets/{BUCKET}/scan", params={"prefix": "logs/", **params}) as answer:
        for line in answer.iter_lines():
            first = first or time.perf_counter() - started
            if line.startswith('{"end"'):
                scanned = json.loads(line)["end"]["scanned"]
    return time.perf_counter() - started, first, scanned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "scan.json")
    args = parser.parse_args()
    os.environ.update(CREDENTIALS)
    weed = shutil.which("weed") or os.path.join(os.path.dirname(sys.executable), "weed")
    with tempfile.TemporaryDirectory() as workdir, seaweed_server(weed, Path(workdir), CREDENTIALS) as endpoint:
        s3 = make_client(replace(gateway_settings(endpoint), state_url=None), endpoint)
        started = time.perf_counter()
        fill(s3, args.keys)
        print(f"wrote {args.keys} keys to SeaweedFS in {time.perf_counter() - started:.0f} s")
        bare_loop(s3)  # warm the store's caches for everyone alike
        env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_LEVEL": "warning"}
        env |= {"S3M_SCAN_LIMIT": str(10 * args.keys), "S3M_SCAN_SECONDS": "3600"}
        with Path(workdir, "gateway.log").open("w") as log:
            gateway, port = serve_on_a_free_port([sys.executable, "-m", "gateway.cli", "serve"], log, env)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
                bare_s, listed = bare_loop(s3)
                size_s, _, size_scanned = through_gateway(client, keys="false")
                search_s, first_s, search_scanned = through_gateway(client, text="MATCH")
        finally:
            gateway.terminate()
            gateway.wait(timeout=10)
    assert listed == size_scanned == search_scanned == args.keys, (listed, size_scanned, search_scanned)
    figures = {"bare_loop_s": bare_s, "size_s": size_s, "search_s": search_s, "search_first_line_s": first_s}
    ratios = {
        "size throughput / bare loop (target >= 0.9)": bare_s / size_s,
        "search throughput / bare loop (target >= 0.9)": bare_s / search_s,
        "first match / one listing page (bare)": first_s / (bare_s / (args.keys / 1000)),
    }
    title = f"scan: {args.keys} keys on SeaweedFS, one request each, in one run"
    report(args.json, title, figures, ratios, "s", keys=args.keys)


if __name__ == "__main__":
    main()

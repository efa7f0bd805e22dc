"""A bounded load test on loopback: the listing and presign routes under wrk for --seconds, with zero errors allowed
and the worker's memory compared before and after.

Starts a moto server with a bucket of 200 keys and `s3-manager serve --workers 1` with JSON access logs (to
/dev/null), from bench/.runtime as bench/http_routes.py does. Then wrk runs twice, for half the time each: first the
listing routes (the JSON listing of the 200-key prefix and the explorer's page of it, alternately), then presigned
GETs (POST /api/v1/buckets/load/presign/get, each for another key). The listings are bounded by moto, which answers a
listing in tens of milliseconds; the presigns by the gateway. Exits 1 if any request failed.

    python bench/load.py [--seconds 60] [--connections 16] [--json bench/results/load.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
from http_routes import children, ensure_runtime, free_port, rss_mib, wait_ok, wrk

from gateway.demo import start_moto

SCRIPTS = {
    "listing": """
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then return wrk.format("GET", "/api/v1/buckets/load/objects?prefix=data/") end
  return wrk.format("GET", "/b/load?prefix=data/")
end
""",
    "presign": """
local n = 0
request = function()
  n = n + 1
  local body = '{"key": "data/k' .. (n % 200) .. '.bin", "expires": 600}'
  return wrk.format("POST", "/api/v1/buckets/load/presign/get", {["Content-Type"] = "application/json"}, body)
end
""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="how long wrk runs (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/load.json"), help="results file")
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"})
    python = str(ensure_runtime())
    server, endpoint = start_moto()
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="load")
        for n in range(200):
            s3.put_object(Bucket="load", Key=f"data/k{n}.bin", Body=b"x")
        port = free_port()
        env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_FORMAT": "json"}
        gateway = subprocess.Popen(
            [python, "-m", "gateway.cli", "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_ok(f"http://127.0.0.1:{port}/healthz")
            (worker,) = children(gateway.pid)
            scripts = {}
            for name, text in SCRIPTS.items():
                with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                    script.write(text)
                scripts[name] = Path(script.name)
                wrk(f"http://127.0.0.1:{port}/", 1, args.connections, scripts[name])  # warm up
            before = rss_mib(worker)
            results = {
                name: wrk(f"http://127.0.0.1:{port}/", max(1, args.seconds // 2), args.connections, script)
                for name, script in scripts.items()
            }
            after = rss_mib(worker)
        finally:
            gateway.terminate()
            gateway.wait(timeout=10)
    finally:
        server.stop()
    failed = sum(r["errors"] + r["socket_errors"] for r in results.values())
    memory = {"worker_before_mib": before, "worker_after_mib": after, "after_over_before": after / before}
    print(f"load: wrk, {args.connections} connections, {args.seconds // 2} s per route group, one worker")
    for name, r in results.items():
        bad = r["errors"] + r["socket_errors"]
        print(f"  {name:<8} {r['requests_per_s']:8.0f} req/s   p99 {r['p99_ms']:8.2f} ms   failed {bad:.0f}")
    print(f"  worker memory {before:.1f} -> {after:.1f} MiB ({after / before:.2f}x)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"results": results, "memory": memory}, indent=2) + "\n")
    if failed:
        sys.exit(f"load: {failed:.0f} requests failed")


if __name__ == "__main__":
    main()

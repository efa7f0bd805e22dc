"""Peak memory of `s3-manager export` as the bucket grows: it must stay flat.

Starts a moto server in this process, fills two buckets (--keys objects, and 1/100 of that) in one flat prefix plus
nested folders, then runs the real command in a subprocess on each and reads its peak RSS (VmHWM) from /proc. The
baseline is the same command on the small bucket, measured in the same run.

    python bench/export_memory.py [--keys 100000] [--json bench/results/export_memory.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from processes import child_peak  # bench/processes.py, beside this script

from gateway.demo import start_moto


def seed(backend: object, bucket: str, keys: int) -> None:
    """Half the keys in one flat folder (one huge page), half spread over 100 folders of 10 subfolders."""
    backend.create_bucket(bucket, "us-east-1")  # type: ignore[attr-defined]
    for n in range(keys // 2):
        backend.put_object(bucket, f"flat/item-{n:07d}.bin", b"x")  # type: ignore[attr-defined]
    for n in range(keys - keys // 2):
        backend.put_object(bucket, f"tree/{n % 100:03d}/{n % 10}/item-{n:07d}.bin", b"x")  # type: ignore[attr-defined]


def export_peak_rss(endpoint: str, bucket: str) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one export, in a child process of its own (this one holds a moto server with
    the whole bucket)."""
    env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path"}
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "gateway.cli", "export", f"s3://{bucket}", "--out", out]
        mib, seconds, _ = child_peak([*command, "--base-url", "https://x/", "--quiet"], env)
    return mib, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=100_000, help="objects in the big bucket (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/export_memory.json"), help="results file")
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"})
    server, endpoint = start_moto()
    try:
        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        small = max(args.keys // 100, 10)
        seed(backend, "small", small)
        seed(backend, "big", args.keys)
        small_rss, small_s = export_peak_rss(endpoint, "small")
        big_rss, big_s = export_peak_rss(endpoint, "big")
    finally:
        server.stop()
    results = {
        "keys": {"small": small, "big": args.keys},
        "peak_rss_mib": {"small": small_rss, "big": big_rss},
        "seconds": {"small": small_s, "big": big_s},
        "ratio_peak_rss_big_over_small": big_rss / small_rss,
    }
    print(f"export peak memory: {args.keys} keys vs {small} keys (same command, same run)")
    print(f"  small  {small_rss:8.1f} MiB  {small_s:6.1f} s")
    print(f"  big    {big_rss:8.1f} MiB  {big_s:6.1f} s")
    print(f"  ratio  {big_rss / small_rss:8.2f} x  (flat memory: close to 1)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

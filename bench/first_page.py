"""First page of a huge prefix vs a tiny one: the gateway must cost the same whatever the prefix holds.

Starts a moto server in this process, fills one prefix with --keys objects and another with 10, then times:
  bare   list_objects_v2(MaxKeys=page) straight to the store (the baseline: the one call the page makes)
  page   GET /b/{bucket}?prefix=... on the gateway, in-process (listing + rendering)
and prints medians and ratios measured in this run. moto's own listing grows with the bucket (it scans every key),
so the figure that speaks for the gateway is page/bare on the big prefix: the gateway's overhead on top of the store.

    python bench/first_page.py [--keys 100000] [--rounds 20] [--json bench/results/first_page.json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from report import report  # bench/report.py: the script's own folder is on sys.path

from gateway.app import create_app
from gateway.demo import start_moto
from gateway.s3 import make_client
from gateway.settings import Settings

BUCKET = "bench"


def median_ms(fn: Any, rounds: int) -> float:
    fn()  # warm up
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=100_000, help="objects in the big prefix (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=20, help="timed requests per figure (default: %(default)s)")
    parser.add_argument("--page-size", type=int, default=200, help="rows per page, 1 to 1000 (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/first_page.json"), help="results file")
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"})

    server, endpoint = start_moto()
    try:
        settings = Settings(
            endpoint_url=endpoint, region="us-east-1", addressing_style="path", page_size=args.page_size
        )
        s3 = make_client(settings, endpoint)
        s3.create_bucket(Bucket=BUCKET)
        # Seed through moto's backend, in this process: 100,000 PUTs over HTTP would take minutes.
        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        for n in range(args.keys):
            backend.put_object(BUCKET, f"big/item-{n:07d}", b"x")
        for n in range(10):
            backend.put_object(BUCKET, f"small/item-{n:07d}", b"x")

        figures: dict[str, float] = {}
        with TestClient(app=create_app(settings)) as client:
            for name in ("small", "big"):
                params = {"Bucket": BUCKET, "Prefix": f"{name}/", "Delimiter": "/", "MaxKeys": settings.page_size}
                figures[f"bare_{name}_ms"] = median_ms(lambda p=params: s3.list_objects_v2(**p), args.rounds)
                url = f"/b/{BUCKET}?prefix={name}/"
                figures[f"page_{name}_ms"] = median_ms(lambda u=url: client.get(u).raise_for_status(), args.rounds)
    finally:
        server.stop()

    ratios = {
        "page_big / bare_big (gateway overhead)": figures["page_big_ms"] / figures["bare_big_ms"],
        "page_big / page_small": figures["page_big_ms"] / figures["page_small_ms"],
        "bare_big / bare_small (the store's own growth)": figures["bare_big_ms"] / figures["bare_small_ms"],
    }
    title = f"first page: {args.keys} keys vs 10 keys, page size {settings.page_size}, median of {args.rounds} requests"
    report(args.json, title, figures, ratios, "ms", keys=args.keys)


if __name__ == "__main__":
    main()

"""The static export's time against the flat ListObjectsV2 loop over the same prefix (issue 22: at most 1.25x), on
moto and on SeaweedFS, in one run; and an incremental re-run with nothing changed. With --latency-ms, both go
through a loopback proxy that holds every request that long, to stand for a remote store.

The export runs in this process (what `s3-manager export` runs, without the interpreter's start), with links to a
base URL; the loop lists the same keys with boto3, 1,000 at a time, and does nothing with them.

    .venv/bin/python bench/export_speed.py [--keys 20000] [--folders 400] [--stores moto,seaweedfs] [--latency-ms 20]

The default tree is the one measured when the single pass was asked for (issue 22): 20,000 keys in 400 folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' SeaweedFS recipe, run from anywhere

from report import report  # bench/report.py, beside this script

from gateway.export import Exporter, ExportOptions
from gateway.s3 import make_client
from tests.conftest import CREDENTIALS, gateway_settings
from tests.proxy import ForwardingProxy
from tests.seaweed_store import seaweed_server
from tests.servers import answers_within, free_port

BUCKET = "export-bench"


@contextmanager
def store(name: str, workdir: Path) -> Iterator[str]:
    """The endpoint of a fresh moto server or SeaweedFS, stopped after the block."""
    if name == "moto":  # in a process of its own: in this one, it would take the interpreter from the export
        endpoint = f"http://127.0.0.1:{free_port()}"
        port = endpoint.rpartition(":")[2]
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", port],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            assert answers_within(endpoint, server, 30), "moto's server did not start"
            yield endpoint
        finally:
            server.terminate()
            server.wait()
        return
    weed = shutil.which("weed") or os.path.join(os.path.dirname(sys.executable), "weed")
    with seaweed_server(weed, workdir, CREDENTIALS) as endpoint:
        yield endpoint


class SlowProxy(ForwardingProxy):
    """Holds each chunk the client sends for `delay` seconds: every store call costs that much more, as it would
    from a remote store."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.delay = delay
        super().__init__(upstream_port)

    def passing(self, outward: bool, chunk: bytes) -> None:
        if outward:
            time.sleep(self.delay)


@contextmanager
def slowed(endpoint: str, latency_ms: int) -> Iterator[str]:
    """`endpoint`, or with latency_ms, a SlowProxy in front of it."""
    if not latency_ms:
        yield endpoint
        return
    proxy = SlowProxy(urlsplit(endpoint).port or 80, latency_ms / 1000)
    try:
        yield proxy.serve_in_background()
    finally:
        proxy.stop()


def fill(s3: Any, keys: int, folders: int) -> None:
    """`keys` keys spread over `folders` folders two levels deep (a tree like a project's releases)."""
    s3.create_bucket(Bucket=BUCKET)
    names = [f"site/{n % folders // 20:03}/{n % folders:04}/item-{n:07}.txt" for n in range(keys)]
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda key: s3.put_object(Bucket=BUCKET, Key=key, Body=b"x"), names))


def flat_loop(s3: Any) -> float:
    started = time.perf_counter()
    for _ in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="site/"):
        pass
    return time.perf_counter() - started


def export(endpoint: str, out: Path, incremental: bool = False, workers: int = 1) -> tuple[float, Any]:
    """One export (the command's default: one listing walk), timed."""
    settings = replace(gateway_settings(endpoint), state_url=None)
    options = ExportOptions(
        BUCKET, "site/", out, base_url="https://cdn.example/", incremental=incremental, list_workers=workers
    )
    started = time.perf_counter()
    result = Exporter(settings, options).run()
    return time.perf_counter() - started, result


def measure(name: str, keys: int, folders: int, latency_ms: int) -> tuple[dict[str, float], dict[str, float]]:
    with tempfile.TemporaryDirectory() as workdir, store(name, Path(workdir)) as direct:
        writer = make_client(replace(gateway_settings(direct), state_url=None), direct)
        started = time.perf_counter()
        fill(writer, keys, folders)
        print(f"{name}: wrote {keys} keys in {folders} folders in {time.perf_counter() - started:.0f} s")
        flat_loop(writer)  # warm the store's caches for both alike
        with slowed(direct, latency_ms) as endpoint:
            s3 = make_client(replace(gateway_settings(endpoint), state_url=None), endpoint)
            name = f"{name} +{latency_ms} ms" if latency_ms else name
            return run_both(name, s3, endpoint, Path(workdir), keys)


def run_both(name: str, s3: Any, endpoint: str, workdir: Path, keys: int) -> tuple[dict[str, float], dict[str, float]]:
    """The export in one walk (the default) and with its listing in ranges, and an unchanged incremental re-run,
    each compared with the flat loop run just before it (a store's own pace drifts during a run: SeaweedFS settles
    after a fill). The loop uses the gateway's client, which reads timestamps five times faster than stock boto3;
    the stock loop is measured too, as a user's own script would list."""
    stock = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1")
    stock_s = flat_loop(stock)
    loop_s = flat_loop(s3)
    export_s, first = export(endpoint, workdir / "site", incremental=True)
    loop_ranges_s = flat_loop(s3)
    ranges_s, _ = export(endpoint, workdir / "in-ranges", workers=4)
    loop_again_s = flat_loop(s3)
    again_s, second = export(endpoint, workdir / "site", incremental=True)
    assert first.objects == keys and second.pages_written == 0, (first, second)
    figures = {f"{name}_flat_loop_stock_boto3_s": stock_s, f"{name}_flat_loop_s": loop_s,
               f"{name}_export_s": export_s, f"{name}_export_in_ranges_s": ranges_s,
               f"{name}_incremental_s": again_s}  # fmt: skip
    ratios = {
        f"{name}: export / flat loop (target <= 1.25)": export_s / loop_s,
        f"{name}: export / stock boto3's flat loop": export_s / stock_s,
        f"{name}: export in ranges (--list-workers 4) / flat loop": ranges_s / loop_ranges_s,
        f"{name}: incremental, nothing changed / flat loop (target <= 1.1)": again_s / loop_again_s,
    }
    return figures, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--folders", type=int, help="folders the keys are spread over (default: one per 50 keys)")
    parser.add_argument("--stores", default="moto,seaweedfs")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every store call, through a proxy")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "export_speed.json")
    args = parser.parse_args()
    args.folders = args.folders or max(args.keys // 50, 1)
    os.environ.update(CREDENTIALS)
    figures: dict[str, float] = {}
    ratios: dict[str, float] = {}
    for name in args.stores.split(","):
        more_figures, more_ratios = measure(name, args.keys, args.folders, args.latency_ms)
        figures |= more_figures
        ratios |= more_ratios
    title = f"export: {args.keys} keys in {args.folders} folders, against the flat ListObjectsV2 loop, in one run"
    report(args.json, title, figures, ratios, "s", keys=args.keys, folders=args.folders)


if __name__ == "__main__":
    main()

"""The static export's time against the flat ListObjectsV2 loop over the same prefix (issue 22: at most 1.25x), on
moto and on SeaweedFS, in one run; and an incremental re-run with nothing changed.

The export runs in this process (what `s3-manager export` runs, without the interpreter's start), with links to a
base URL; the loop lists the same keys with boto3, 1,000 at a time, and does nothing with them.

    .venv/bin/python bench/export_speed.py [--keys 20000] [--folders 400] [--stores moto,seaweedfs]

The default tree is the one measured when the single pass was asked for (issue 22): 20,000 keys in 400 folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' SeaweedFS recipe, run from anywhere

from report import report  # bench/report.py, beside this script

from gateway.demo import start_moto
from gateway.export import Exporter, ExportOptions
from gateway.s3 import make_client
from tests.conftest import CREDENTIALS, gateway_settings
from tests.seaweed_store import seaweed_server

BUCKET = "export-bench"


@contextmanager
def store(name: str, workdir: Path) -> Iterator[str]:
    """The endpoint of a fresh moto server or SeaweedFS, stopped after the block."""
    if name == "moto":
        server, endpoint = start_moto()
        try:
            yield endpoint
        finally:
            server.stop()
        return
    weed = shutil.which("weed") or os.path.join(os.path.dirname(sys.executable), "weed")
    with seaweed_server(weed, workdir, CREDENTIALS) as endpoint:
        yield endpoint


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


def export(endpoint: str, out: Path, incremental: bool = False) -> tuple[float, Any]:
    settings = replace(gateway_settings(endpoint), state_url=None)
    options = ExportOptions(BUCKET, "site/", out, base_url="https://cdn.example/", incremental=incremental)
    started = time.perf_counter()
    result = Exporter(settings, options).run()
    return time.perf_counter() - started, result


def measure(name: str, keys: int, folders: int) -> tuple[dict[str, float], dict[str, float]]:
    with tempfile.TemporaryDirectory() as workdir, store(name, Path(workdir)) as endpoint:
        s3 = make_client(replace(gateway_settings(endpoint), state_url=None), endpoint)
        started = time.perf_counter()
        fill(s3, keys, folders)
        print(f"{name}: wrote {keys} keys in {folders} folders in {time.perf_counter() - started:.0f} s")
        flat_loop(s3)  # warm the store's caches for both alike
        loop_s = flat_loop(s3)
        out = Path(workdir, "site")
        export_s, first = export(endpoint, out, incremental=True)
        again_s, second = export(endpoint, out, incremental=True)
    assert first.objects == keys and second.pages_written == 0, (first, second)
    figures = {f"{name}_flat_loop_s": loop_s, f"{name}_export_s": export_s, f"{name}_incremental_s": again_s}
    ratios = {
        f"{name}: export / flat loop (target <= 1.25)": export_s / loop_s,
        f"{name}: incremental, nothing changed / flat loop (target <= 1.1)": again_s / loop_s,
    }
    return figures, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--folders", type=int, help="folders the keys are spread over (default: one per 50 keys)")
    parser.add_argument("--stores", default="moto,seaweedfs")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "export_speed.json")
    args = parser.parse_args()
    args.folders = args.folders or max(args.keys // 50, 1)
    os.environ.update(CREDENTIALS)
    figures: dict[str, float] = {}
    ratios: dict[str, float] = {}
    for name in args.stores.split(","):
        more_figures, more_ratios = measure(name, args.keys, args.folders)
        figures |= more_figures
        ratios |= more_ratios
    title = f"export: {args.keys} keys in {args.folders} folders, against the flat ListObjectsV2 loop, in one run"
    report(args.json, title, figures, ratios, "s", keys=args.keys, folders=args.folders)


if __name__ == "__main__":
    main()

"""Peak memory of the export at a million keys against ten thousand (issue 22: within 1.1x). The store is a synthetic
listing source (ListObjectsV2 pages made up one at a time: a million keys cost no minutes of writing); everything
else is the export's own: the single pass, the stack of open pages, the gzip copies, the search index and a feed.

Each size runs in a child process, whose peak resident size (VmHWM) is read from /proc; the baseline is the small
size, in the same run.

    .venv/bin/python bench/export_scale.py [--keys 1000000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the gateway, run from anywhere

from processes import child_run  # bench/processes.py, beside this script
from report import report

PAGE = 1000
MODIFIED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def key_of(n: int, keys: int) -> str:
    """The n-th key, in sorted order, of a tree of `keys` keys, 50 to a folder, 20 folders to a parent."""
    folder = n // 50
    return f"site/{folder // 20:05}/{folder:06}/item-{n:08}.txt"


def child(keys: int) -> None:
    """Export `keys` synthetic keys to a temporary folder; print the pages written."""
    from gateway.export import Exporter, ExportOptions
    from gateway.models import Listing, ObjectEntry
    from tests.conftest import gateway_settings

    def walk_pages(bucket: str, prefix: str) -> Any:
        for start in range(0, keys, PAGE):
            names = [key_of(n, keys) for n in range(start, min(start + PAGE, keys))]
            entries = [ObjectEntry(key, key.rpartition("/")[2], len(key), MODIFIED) for key in names]
            yield Listing(bucket, prefix, [], entries, None)

    def walk_ranges(bucket: str, prefix: str, pieces: int) -> Any:
        return [walk_pages(bucket, prefix)]  # one walk: the command's default

    settings = replace(gateway_settings("http://127.0.0.1:9"), state_url=None)
    with tempfile.TemporaryDirectory() as out:
        options = ExportOptions("bench", "site/", Path(out), base_url="https://cdn.example/", feed=20)
        exporter = Exporter(settings, options)
        exporter.storage.walk_ranges = walk_ranges  # type: ignore[method-assign]
        print(exporter.run().pages_written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "export_scale.json")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    if args.child:
        child(args.child)
        return
    small = max(args.keys // 100, PAGE)
    small_mib, small_s, small_pages = child_run(__file__, small)
    large_mib, large_s, large_pages = child_run(__file__, args.keys)
    for keys, pages in ((small, small_pages), (args.keys, large_pages)):  # every folder, parent and the root
        assert pages == -(-keys // 50) + -(-keys // 1000) + 1, (keys, pages)
    figures = {f"peak_rss_{small}_keys_MiB": small_mib, f"peak_rss_{args.keys}_keys_MiB": large_mib,
               f"seconds_{small}_keys": small_s, f"seconds_{args.keys}_keys": large_s,
               f"pages_{args.keys}_keys": float(large_pages)}  # fmt: skip
    ratios = {f"peak memory at {args.keys} / at {small} keys (target <= 1.1)": large_mib / small_mib}
    title = f"export memory: {small} and {args.keys} synthetic keys, 50 a folder, in one run"
    report(args.json, title, figures, ratios, "", keys=args.keys)


if __name__ == "__main__":
    main()

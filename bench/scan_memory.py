"""Peak memory of the gateway while it scans a folder, as the folder grows: it must stay flat (issue 18: a million
keys). The store is a synthetic listing source (ListObjectsV2 answers made up page by page, so a million keys cost
no disk and no minutes of writing); everything above it is the gateway's own: the listing model, the grants, the
scan, and the NDJSON route with a GET signed for every key (urls=true, the heaviest form).

Each size runs in a child process of its own, whose peak resident size (VmHWM) is read from /proc; the baseline is
the smallest size, measured in the same run.

    .venv/bin/python bench/scan_memory.py [--keys 1000000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the gateway, run from anywhere

import anyio
from processes import child_run  # bench/processes.py, beside this script
from report import report

PAGE = 1000
MODIFIED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def synthetic_answer(keys: int, token: str | None) -> dict[str, Any]:
    """The ListObjectsV2 answer for the page that starts at `token` (a key number) of a folder of `keys` keys."""
    start = int(token or 0)
    end = min(start + PAGE, keys)
    contents = [{"Key": f"data/{n // 1000:04}/{n:08}.log", "Size": n % 5000, "LastModified": MODIFIED}
                for n in range(start, end)]  # fmt: skip
    return {"Contents": contents, "IsTruncated": end < keys, "NextContinuationToken": str(end)}


def child(keys: int) -> None:
    """Scan `keys` synthetic keys through the app's scan route, called as a server calls it (ASGI), each chunk of the
    answer counted and dropped as a socket would take it; print the lines."""
    from gateway.app import create_app
    from gateway.s3.listing import Listings
    from tests.conftest import gateway_settings

    async def list_page(self: Listings, bucket: str, prefix: str, token: str | None = None, **_: Any) -> Any:
        return self._listing(bucket, prefix, synthetic_answer(keys, token))

    Listings.list_page = list_page  # type: ignore[method-assign]
    settings = replace(gateway_settings("http://127.0.0.1:9"), state_url=None, scan_limit=10 * keys, scan_seconds=3600)
    app = create_app(settings)
    answer = {"status": 0, "lines": 0}

    answered = anyio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        """The request, then what a server says once the answer has gone: the client is gone too."""
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["lines"] += message.get("body", b"").count(b"\n")
            if not message.get("more_body", False):
                answered.set()

    async def run() -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": "/api/v1/buckets/bench/scan", "raw_path": b"/api/v1/buckets/bench/scan", "root_path": "",
                 "query_string": b"prefix=data%2F&urls=true", "headers": [(b"host", b"127.0.0.1")],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}  # fmt: skip
        async with app.lifespan():
            await app(scope, receive, send)  # type: ignore[arg-type]

    anyio.run(run)
    assert answer["status"] == 200, answer
    print(answer["lines"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "scan_memory.json")
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
        child(args.child)
        return
    small = max(args.keys // 100, PAGE)
    small_mib, small_s, small_lines = child_run(__file__, small)
    large_mib, large_s, large_lines = child_run(__file__, args.keys)
    assert small_lines > small and large_lines > args.keys, (small_lines, large_lines)  # every key, and progress
    figures = {f"peak_rss_{small}_keys_MiB": small_mib, f"peak_rss_{args.keys}_keys_MiB": large_mib,
               f"seconds_{small}_keys": small_s, f"seconds_{args.keys}_keys": large_s,
               "keys_per_second_large": args.keys / large_s}  # fmt: skip
    ratios = {f"peak memory at {args.keys} / at {small} keys (flat: target <= 1.1)": large_mib / small_mib}
    title = f"scan memory: {small} and {args.keys} synthetic keys through the scan route (urls=true), in one run"
    report(args.json, title, figures, ratios, "", keys=args.keys)


if __name__ == "__main__":
    main()

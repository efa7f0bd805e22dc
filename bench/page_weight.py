"""The explorer's weight in a browser: bytes per row, page size (raw and gzip), our own JS and CSS, and the time
Chromium takes to show a 1,000-row folder, against a plain HTML table of the same rows measured in the same run.

Starts moto in this process (1,000 objects under many/, with names like the demo's), the gateway under granian
with S3M_PAGE_SIZE=1000, and headless Chromium (/usr/bin/chromium), then reports:
  bytes/row       (page of 1,000 rows - page of 1 row) / 999, as served to htmx
  page            the full 1,000-row page, raw and gzipped
  js+css          every script and stylesheet of ours the page loads (htmx aside), gzipped
  first_byte_ms   navigation start to the answer's first byte (the listing from moto and the rendering)
  shown_ms        first byte to every row showing its menu button (parsed, styled, laid out, our script done)
  plain_ms        the same for a bare <table> of the same 1,000 names, sizes and dates (no CSS, no script)
and the ratio shown/plain, the figure that speaks for the interface's cost.

    python bench/page_weight.py [--rows 1000] [--rounds 7] [--json bench/results/page_weight.json]
"""

from __future__ import annotations

import argparse
import gzip
import html
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from playwright.sync_api import Page, sync_playwright
from report import report  # bench/report.py: the script's own folder is on sys.path

from gateway.demo import start_moto

BUCKET = "bench"
OURS = ["/static/js/" + name for name in sorted(os.listdir("static/js"))] + ["/static/css/app.css"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gateway(endpoint: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3M_PAGE_SIZE": "1000", "S3M_LOG_LEVEL": "warning"}
    process = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the gateway did not start")


def shown_ms(page: Page, url: str, ready: str, rounds: int) -> tuple[float, float]:
    """Medians of (the wait for the answer's first byte, the time from there until `ready` holds): the server's
    share, and the browser's (parse, style, layout, scripts)."""
    waits, shows = [], []
    for _ in range(rounds + 1):  # the first warms the caches
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, polling="raf")
        first_byte, now = page.evaluate(
            "() => [performance.getEntriesByType('navigation')[0].responseStart, performance.now()]"
        )
        waits.append(first_byte)
        shows.append(now - first_byte)
    return statistics.median(waits[1:]), statistics.median(shows[1:])


def plain_table(rows: list[tuple[str, str, str]]) -> str:
    cells = "".join(f"<tr><td>{html.escape(n)}</td><td>{s}</td><td>{d}</td></tr>" for n, s, d in rows)
    return f"<!doctype html><title>plain</title><table>{cells}</table>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--rows", type=int, default=1000, help="objects in the folder, 2 to 1000 (default: %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=7, help="timed page loads per figure (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=Path("bench/results/page_weight.json"), help="results file")
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"})

    server, endpoint = start_moto()
    process, url = start_gateway(endpoint)
    try:
        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        backend.create_bucket(BUCKET, "us-east-1")
        names = [f"quarterly-report-{n:04d}.pdf" for n in range(args.rows)]
        for name in names:
            backend.put_object(BUCKET, f"many/{name}", b"x" * 1234)
        backend.put_object(BUCKET, "one/only.pdf", b"x" * 1234)

        htmx = {"HX-Request": "true"}
        many = httpx.get(f"{url}/b/{BUCKET}?prefix=many/", headers=htmx).content
        one = httpx.get(f"{url}/b/{BUCKET}?prefix=one/", headers=htmx).content
        full = httpx.get(f"{url}/b/{BUCKET}?prefix=many/").content
        ours = b"".join(httpx.get(url + path).content for path in OURS)
        figures: dict[str, float] = {
            "bytes_per_row": (len(many) - len(one)) / (args.rows - 1),
            "page_bytes": len(full),
            "page_gzip_bytes": len(gzip.compress(full, 6)),
            "js_css_gzip_bytes": len(gzip.compress(ours, 6)),
        }
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as work:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            baseline = Path(work) / "plain.html"
            baseline.write_text(plain_table([(n, "1.2 KB", "2026-12-01 10:58 UTC") for n in names]))
            _, figures["plain_ms"] = shown_ms(
                page, baseline.as_uri(), "() => document.readyState === 'complete'", args.rounds
            )
            ready = f"() => document.querySelectorAll('#rows .menu-button').length >= {args.rows}"
            figures["first_byte_ms"], figures["shown_ms"] = shown_ms(
                page, f"{url}/b/{BUCKET}?prefix=many/", ready, args.rounds
            )
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.stop()

    ratios = {"shown / plain (the interface's cost in the browser)": figures["shown_ms"] / figures["plain_ms"]}
    title = f"page weight: a folder of {args.rows} objects, median of {args.rounds} loads in Chromium"
    report(args.json, title, figures, ratios, "", rows=args.rows)


if __name__ == "__main__":
    main()

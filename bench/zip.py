"""Download as zip in Chromium against SeaweedFS: the rate at which the page writes the archive of a folder against
the rate of the same GETs without zipping (issue 18: at least 0.8x) and of the same GETs written to a file (what
the disk costs), and the browser's peak memory during each (bounded: the zip is written to a file as it goes, so it
holds no more than the plain GETs do).

Both runs list the folder through the gateway's scan route and fetch each object from the store, a few ahead. The
zip is written to a file of the page's private storage (the save picker is a native dialog a benchmark cannot
answer), on disk like the file a user picks (in a profile on disk: without one, Chromium keeps that storage in
memory). Memory is the resident size of every Chromium process, sampled.

    .venv/bin/python bench/zip.py [--objects 1000] [--object-size 1048576]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' SeaweedFS recipe, run from anywhere

from playwright.sync_api import sync_playwright
from processes import status_kib  # bench/processes.py, beside this script
from report import report

from gateway.rules.buckets import cors_rule
from gateway.s3 import make_client
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import CREDENTIALS, gateway_settings, serve_on_a_free_port
from tests.seaweed_store import seaweed_server

BUCKET = "zip-bench"
PICKER = """window.showSaveFilePicker = async ({ suggestedName }) =>
  (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });"""
SAVED_SIZE = (
    "async () => (await (await (await navigator.storage.getDirectory()).getFileHandle('data.zip')).getFile()).size"
)
# The same listing and the same GETs as the zip (zip.js asks for 4 objects ahead of the one it reads), bodies read
# to their end and dropped, or (toFile) written one after another to a file of the page's storage, as the zip is.
PLAIN_GETS = """async ([scanUrl, toFile]) => {
  const started = performance.now();
  const answer = await (await fetch(`${scanUrl}?prefix=data%2F&urls=true`)).text();
  const urls = answer.split("\\n").filter(Boolean).map(JSON.parse).filter((line) => line.url).map((line) => line.url);
  const file = toFile ? await (await (await navigator.storage.getDirectory())
    .getFileHandle("plain.bin", { create: true })).createWritable() : null;
  const asked = [];
  let next = 0, bytes = 0;
  for (let n = 0; n < urls.length; n++) {
    while (next < urls.length && asked.length <= 4) asked.push(fetch(urls[next++]));
    const reader = (await asked.shift()).body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (file) await file.write(value);
    }
  }
  if (file) {
    await file.close();
    await (await navigator.storage.getDirectory()).removeEntry("plain.bin");  // room for the zip
  }
  return [performance.now() - started, bytes];
}"""


def fill(s3: Any, objects: int, size: int) -> None:
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [cors_rule(["*"])]})
    body = os.urandom(size)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: s3.put_object(Bucket=BUCKET, Key=f"data/{n // 100:02}/{n:05}.bin", Body=body),
                      range(objects)))  # fmt: skip


class ChromiumMemory:
    """The peak resident size (MiB) of every process below this one (Playwright's driver and Chromium's browser,
    renderer, GPU and network processes), sampled every 100 ms while the block runs."""

    def __enter__(self) -> ChromiumMemory:
        self.peak, self.running, self.pids = 0.0, True, descendants(os.getpid())  # all there once the page is
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.sampler.join()

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(status_kib(pid, "VmRSS") for pid in self.pids) / 1024)
            time.sleep(0.1)


def descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1000)
    parser.add_argument("--object-size", type=int, default=1024 * 1024)
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "zip.json")
    args = parser.parse_args()
    total = args.objects * args.object_size
    os.environ.update(CREDENTIALS)
    weed = shutil.which("weed") or os.path.join(os.path.dirname(sys.executable), "weed")
    with tempfile.TemporaryDirectory() as workdir, seaweed_server(weed, Path(workdir), CREDENTIALS) as endpoint:
        s3 = make_client(replace(gateway_settings(endpoint), state_url=None), endpoint)
        started = time.perf_counter()
        fill(s3, args.objects, args.object_size)
        wrote = f"{args.objects} objects, {total / 1024**2:.0f} MiB"
        print(f"wrote {wrote} to SeaweedFS in {time.perf_counter() - started:.0f} s")
        env = {**os.environ, "S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", "S3M_LOG_LEVEL": "warning"}
        with Path(workdir, "gateway.log").open("w") as log:
            gateway, port = serve_on_a_free_port([sys.executable, "-m", "gateway.cli", "serve"], log, env)
        try:
            with sync_playwright() as playwright:
                # A profile on disk: a context without one keeps the page's private storage in memory.
                browser = playwright.chromium.launch_persistent_context(
                    Path(workdir, "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                    base_url=f"http://127.0.0.1:{port}",
                )  # fmt: skip
                page = browser.new_page()
                page.set_default_timeout(3_600_000)
                page.add_init_script(PICKER)
                page.goto(f"/b/{BUCKET}?prefix=data%2F")
                scan_url = page.locator("#panel").get_attribute("data-scan-url")
                page.evaluate(PLAIN_GETS, [scan_url, False])  # warm the store's caches and the page's code alike
                with ChromiumMemory() as plain_memory:
                    plain_ms, plain_bytes = page.evaluate(PLAIN_GETS, [scan_url, False])
                to_file_ms, _ = page.evaluate(PLAIN_GETS, [scan_url, True])
                with ChromiumMemory() as zip_memory:
                    started = time.perf_counter()
                    page.get_by_text("This folder").click()
                    page.get_by_role("link", name="Download as zip").click()
                    page.locator("#upload-list .upload.done, #upload-list .upload.failed").wait_for()
                    zip_s = time.perf_counter() - started
                state = page.locator("#upload-list .state").inner_text()
                assert state == f"{args.objects} objects", f"the zip did not end well: {state}"
                saved = page.evaluate(SAVED_SIZE)
                browser.close()
        finally:
            gateway.terminate()
            gateway.wait(timeout=10)
    assert plain_bytes == total and saved > total, (plain_bytes, saved, total)
    plain_s, to_file_s = plain_ms / 1000, to_file_ms / 1000
    mib = total / 1024**2
    figures = {"plain_gets_s": plain_s, "plain_gets_to_a_file_s": to_file_s, "zip_s": zip_s,
               "plain_gets_MiB_per_s": mib / plain_s, "zip_MiB_per_s": mib / zip_s,
               "plain_gets_peak_rss_MiB": plain_memory.peak, "zip_peak_rss_MiB": zip_memory.peak}  # fmt: skip
    ratios = {
        "zip rate / plain GETs rate (target >= 0.8)": plain_s / zip_s,
        "zip rate / the same GETs written to a file": to_file_s / zip_s,
        "zip peak memory / plain GETs peak memory (bounded: about 1)": zip_memory.peak / plain_memory.peak,
    }
    title = f"zip: {args.objects} objects, {total / 1024**2:.0f} MiB, in Chromium from SeaweedFS, in one run"
    report(args.json, title, figures, ratios, "", objects=args.objects, object_size=args.object_size)


if __name__ == "__main__":
    main()

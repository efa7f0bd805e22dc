"""The README's screenshots, taken in Chromium from `s3-manager demo`, so they show the explorer as it is today.

Run by `just screenshots`; writes docs/*.png. Chromium comes from the system (CHROMIUM, /usr/bin/chromium).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

DOCS = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDE = {"width": 1280, "height": 760}
PHONE = {"width": 390, "height": 844}
# name: (viewport, colour scheme, page); upload.png is taken apart, as it needs files sent
PAGES = {
    "list.png": (WIDE, "light", "/b/demo"),
    "grid.png": (WIDE, "light", "/b/demo?prefix=photos%2F2026%2F&view=grid"),
    "details.png": (WIDE, "light", "/b/demo/object?key=photos%2F2026%2Faurora.png"),
    "dark.png": (WIDE, "dark", "/b/demo?prefix=data%2F"),
    "phone.png": (PHONE, "light", "/b/demo?prefix=photos%2F2026%2F"),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(base: str, demo: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if demo.poll() is not None:
            sys.exit(f"s3-manager demo stopped with {demo.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("s3-manager demo did not become ready in 30 s")


def settle(page: Page) -> None:
    """Wait for the page's images and requests, so no screenshot shows a half-loaded page."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.images].every((image) => image.complete)")


def upload_panel(page: Page, folder: Path) -> None:
    """Two files sent to the demo's uploads/ folder: the panel with its summary, the new rows highlighted."""
    names = ["field notes.txt", "site survey 2026.csv"]
    for number, name in enumerate(names, start=1):
        (folder / name).write_bytes(b"demo upload\n" * 20000 * number)
    page.goto("/b/demo?prefix=uploads%2F")
    page.locator("input.upload-input[multiple]").set_input_files([str(folder / name) for name in names])
    page.locator("#upload-summary", has_text="2 uploaded").wait_for(timeout=30000)
    settle(page)


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch, "demo.log").open("wb")
        command = [sys.executable, "-m", "gateway.cli", "demo", "--port", str(port)]
        demo = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            wait_until_ready(base, demo)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                for name, (viewport, scheme, path) in PAGES.items():
                    page = browser.new_page(base_url=base, viewport=viewport, color_scheme=scheme)
                    page.goto(path)
                    settle(page)
                    page.screenshot(path=DOCS / name)
                    print(f"docs/{name}")
                page = browser.new_page(base_url=base, viewport=WIDE, color_scheme="light")
                upload_panel(page, Path(scratch))
                page.screenshot(path=DOCS / "upload.png")
                print("docs/upload.png")
                browser.close()
        finally:
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=15)


if __name__ == "__main__":
    main()

"""The gateway under granian (a real server process), behind a proxy that counts every byte, and Chromium."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import STATE_BUCKET, require, serve_on_a_free_port
from tests.proxy import ForwardingProxy

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


class CountingProxy(ForwardingProxy):
    """Counts the bytes each way between the browser and the gateway: proof that object bytes go elsewhere."""

    def __init__(self, upstream_port: int) -> None:
        self.to_gateway = 0
        self.from_gateway = 0
        self.lock = threading.Lock()
        super().__init__(upstream_port)

    def passing(self, outward: bool, chunk: bytes) -> None:
        with self.lock:
            if outward:
                self.to_gateway += len(chunk)
            else:
                self.from_gateway += len(chunk)

    def reset(self) -> None:
        with self.lock:
            self.to_gateway = self.from_gateway = 0


@dataclass
class LiveGateway:
    url: str
    proxy: CountingProxy


# Small multipart settings, so a 30 MiB file shows parts in parallel; Uppy may choose bucket and prefix.
UPLOAD_ENV = {
    "S3_ADDRESSING_STYLE": "path",
    "S3M_PAGE_SIZE": "200",
    "S3M_MULTIPART_THRESHOLD": str(5 * 1024 * 1024),
    "S3M_PART_SIZE": str(5 * 1024 * 1024),
    "S3M_UPLOAD_TARGET_FROM_METADATA": "true",
    "S3M_STATE_S3_URL": f"s3://{STATE_BUCKET}/browser/",
}


@contextmanager
def live_gateway_for(endpoint: str, workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[LiveGateway]:
    """`s3-manager serve` (granian, one worker) against `endpoint`, reached through a counting proxy."""
    env = {**os.environ, **UPLOAD_ENV, "S3_ENDPOINT_URL": endpoint, **(extra_env or {})}
    with (workdir / "granian.log").open("w") as log:
        process, port = serve_on_a_free_port([sys.executable, "-m", "gateway.cli", "serve"], log, env)
        try:
            proxy = CountingProxy(port)
            yield LiveGateway(url=proxy.serve_in_background(), proxy=proxy)
            proxy.stop()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(name="live_gateway", scope="session")
def fx_live_gateway(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    """The gateway under granian in front of the moto server."""
    with live_gateway_for(moto_endpoint, tmp_path_factory.mktemp("granian-moto")) as gateway:
        yield gateway


@pytest.fixture(name="seaweed_gateway", scope="session")
def fx_seaweed_gateway(seaweed_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    """The gateway under granian in front of SeaweedFS, which checks signatures, policies and CORS. A search goes
    on every 1,000 keys there (the least S3M_SCAN_LIMIT), so a few thousand keys, quick to write, make many chunks."""
    workdir, scans = tmp_path_factory.mktemp("granian-seaweed"), {"S3M_SCAN_LIMIT": "1000"}
    with live_gateway_for(seaweed_endpoint, workdir, scans) as gateway:
        yield gateway


@pytest.fixture(name="chromium", scope="session")
def fx_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (which must not download a browser of its own)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "the playwright Python package")
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(name="page")
def fx_page(chromium: Any, live_gateway: LiveGateway) -> Iterator[Any]:
    """A fresh browser context (own cookies) on the gateway in front of moto; a page error or a violation of the
    Content-Security-Policy fails the test."""
    with browser_page(chromium, live_gateway.url) as page:
        yield page


@pytest.fixture(name="seaweed_page")
def fx_seaweed_page(chromium: Any, seaweed_gateway: LiveGateway) -> Iterator[Any]:
    """The same, on the gateway in front of SeaweedFS."""
    with browser_page(chromium, seaweed_gateway.url) as page:
        yield page


@contextmanager
def browser_page(chromium: Any, base_url: str, *, scripts: bool = True) -> Iterator[Any]:
    context = chromium.new_context(base_url=base_url, accept_downloads=True, java_script_enabled=scripts)
    page = context.new_page()
    page.set_default_timeout(20000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The pages run under a strict Content-Security-Policy: anything it blocks is a bug, in our code or a vendor's.
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert errors == [], f"script errors or policy violations in the page: {errors}"


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A plain static file server for `directory` on a free loopback port: what an exported site is served by."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def throttle_uploads(page: Any, bytes_per_second: int) -> None:
    """Slow the page's uploads (Chrome's network emulation), so a test can act while one is under way."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second}
    cdp.send("Network.emulateNetworkConditions", conditions)


def hold_until_parallel(page: Any, at_once: int = 2) -> None:
    """Hold part uploads until `at_once` of them are waiting together, then let every part go: an upload that
    sends its parts one after another never gets there, and the test waiting for it fails, whatever the timing."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        if route.request.method != "PUT" or len(held) >= at_once:
            route.continue_()
            return
        held.append(route)
        if len(held) == at_once:
            for waiting in held:
                waiting.continue_()

    page.route(re.compile(r"[?&]partNumber=\d+"), hold)


class PartTraffic:
    """Watches a page's part uploads (PUT ...partNumber=N): which were sent."""

    def __init__(self, page: Any) -> None:
        self.sent: list[int] = []
        page.on("request", self.started)

    @staticmethod
    def part_of(request: Any) -> int | None:
        match = re.search(r"[?&]partNumber=(\d+)", request.url)
        return int(match.group(1)) if request.method == "PUT" and match else None

    def started(self, request: Any) -> None:
        if (number := self.part_of(request)) is not None:
            self.sent.append(number)


AXE = Path(__file__).parents[1] / "vendor/axe-core-4.14.1/axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"


@pytest.fixture(name="axe", scope="module")
def fx_axe() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, f"{AXE} is not the vendored file"
    return source.decode()


def serious_violations(page: Any) -> list[str]:
    """What axe finds serious or critical on the page as it stands: rule, and where. (axe is in every document of
    the page: an init script, run by the browser's debugger protocol, so the page's CSP does not apply to it.)"""
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def overflow(page: Any) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def sign_in(page: Any, name: str, password: str) -> None:
    """Through the login form, as a person would; back on the buckets page."""
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("form.signed-in")

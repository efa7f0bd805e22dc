"""Liveness, readiness, and a store that is down, slow or comes back: clear 503s, and recovery without restart."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from moto.server import ThreadedMotoServer

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import page_token, put, soup
from tests.faulty_store import FaultyStore
from tests.servers import free_port


@pytest.fixture(name="silent_store")
def fx_silent_store() -> Iterator[str]:
    """A TCP listener that accepts connections and never answers: a store that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_healthz_and_readyz_when_the_store_answers(client: TestClient[Any]) -> None:
    assert (client.get("/healthz").status_code, client.get("/healthz").text) == (200, "ok")
    assert (client.get("/readyz").status_code, client.get("/readyz").text) == (200, "ready")


def test_readyz_warns_when_the_store_shares_the_gateways_site(app: Litestar) -> None:
    """Issue 14, item 1: a store on another port of the same host can plant cookies for the gateway."""
    with TestClient(app=app, base_url="http://127.0.0.1:8080") as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.text.startswith("ready\nwarning: the store's public endpoint")
    with TestClient(app=app, base_url="http://explorer.example.com") as client:
        assert client.get("/readyz").text == "ready"


def test_a_store_that_refuses_connections_gives_503_and_the_gateway_recovers(aws_env: None) -> None:
    port = free_port()
    settings = Settings(endpoint_url=f"http://127.0.0.1:{port}", region="us-east-1", addressing_style="path")
    with TestClient(app=create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200  # alive: no I/O
        ready = client.get("/readyz")
        assert (ready.status_code, ready.text) == (503, "not ready")  # the internal endpoint is for the log only
        page = client.get("/")
        assert page.status_code == 503
        assert "did not answer" in soup(page.text).select_one(".notice.error").text

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            assert client.get("/readyz").status_code == 200
            assert client.get("/").status_code == 200
        finally:
            server.stop()


def test_a_store_that_hangs_times_out_into_a_503(aws_env: None, silent_store: str) -> None:
    settings = Settings(endpoint_url=silent_store, region="us-east-1", addressing_style="path", read_timeout=0.1)
    with TestClient(app=create_app(settings), timeout=30) as client:
        page = client.get("/b/some-bucket", headers={"HX-Request": "true"})
        assert page.status_code == 503
        assert page.headers["hx-retarget"] == "#flash"
        assert "did not answer" in soup(page.text).text
        assert client.get("/readyz").status_code == 503


def test_an_unexpected_error_is_a_500_page_without_a_traceback(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(client.app.state.stores["default"], "list_buckets", broken)
    page = client.get("/")
    assert page.status_code == 500
    assert "the error was logged" in soup(page.text).select_one(".notice.error").text
    assert "secret internals" not in page.text and "Traceback" not in page.text


@pytest.fixture(name="faulty", scope="module")
def fx_faulty(moto_endpoint: str) -> Iterator[FaultyStore]:
    store = FaultyStore(moto_endpoint)
    yield store
    store.close()


@pytest.fixture(name="faulty_app", scope="module")
def fx_faulty_app(faulty: FaultyStore) -> Litestar:
    """The gateway in front of the faulty store, with 2-key pages: a listing takes two calls."""
    return create_app(Settings(endpoint_url=faulty.url, region="us-east-1", addressing_style="path", page_size=2))


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("500", "unavailable right now (InternalError)"),
        ("503", "unavailable right now (ServiceUnavailable)"),
        ("drop", "did not answer"),
    ],
)
def test_a_store_failing_mid_listing_gives_a_clear_503_and_the_gateway_recovers(
    faulty: FaultyStore, faulty_app: Litestar, s3: Any, bucket: str, mode: str, says: str
) -> None:
    put(s3, bucket, "k1", "k2", "k3")
    faulty.heal()
    with TestClient(app=faulty_app) as client:
        first = soup(client.get(f"/b/{bucket}").text)
        more = first.select_one("#more-rows [hx-get]")["hx-get"]  # the next page's URL, with its token
        faulty.mode = mode  # the store fails between page 1 and page 2
        failed = client.get(more, headers={"HX-Request": "true"})
        assert failed.status_code == 503 and says in soup(failed.text).text
        assert "Traceback" not in failed.text
        assert client.get("/readyz").status_code == 503
        api = client.get(f"/api/v1/buckets/{bucket}/objects")
        assert api.status_code == 503 and says in api.json()["message"]
        faulty.mode = "pass"  # it comes back: no restart needed
        assert client.get("/readyz").status_code == 200
        again = client.get(more, headers={"HX-Request": "true"})
        assert again.status_code == 200 and [row["data-name"] for row in soup(again.text).select("tr.object")] == ["k3"]


def test_a_version_is_restored_on_a_store_that_refuses_copying_it_onto_its_key(
    faulty: FaultyStore, faulty_app: Litestar, s3: Any, bucket: str
) -> None:
    """As LocalStack does: the plain copy is refused, so the version's own headers, metadata and tags are given."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(
        Bucket=bucket, Key="doc.txt", Body=b"first", ContentType="text/plain", Metadata={"owner": "ann"}, Tagging="t=1"
    )["VersionId"]
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"second", ContentType="text/csv")
    faulty.heal()
    faulty.refuse_self_copies = True
    with TestClient(app=faulty_app) as client:
        client.headers["x-csrftoken"] = page_token(client)
        restored = client.post(f"/b/{bucket}/restore", data={"key": "doc.txt", "version": first})
    faulty.heal()
    assert restored.status_code == 200, restored.text[:300]
    current = s3.get_object(Bucket=bucket, Key="doc.txt")
    assert (current["Body"].read(), current["ContentType"], current["Metadata"]) == (
        b"first",
        "text/plain",
        {"owner": "ann"},
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="doc.txt")["TagSet"] == [{"Key": "t", "Value": "1"}]

"""An embedded S3 for trying the explorer: moto's server on 127.0.0.1, seeded with a demo bucket.

moto checks no signatures, so this is for looking around, never for real data.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gateway.errors import StoreUnavailable
from gateway.s3 import S3Storage

DEMO_BUCKET = "demo"
DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo-secret", "AWS_REGION": "us-east-1"}
STATE_BUCKET = "s3-manager-state"
# What the demo turns on, unless the environment says otherwise: Uppy's page uploads into demo/uploads/, by PUT
# because moto's answer to a POST upload exposes no ETag (Uppy 5 would wait for it forever); share links and
# sign-outs keep their records in a bucket of their own.
DEMO_SETTINGS = {
    "S3M_UPLOAD_BUCKET": DEMO_BUCKET,
    "S3M_UPLOAD_PREFIX": "uploads/",
    "S3M_UPPY_UPLOAD_METHOD": "put",
    "S3M_STATE_S3_URL": f"s3://{STATE_BUCKET}/",
}

ODD_NAMES = [
    "odd names/with space.txt",
    "odd names/plus+sign.txt",
    "odd names/100% done.txt",
    "odd names/hash#tag.txt",
    "odd names/question?.txt",
    "odd names/ünïcødé — 日本語.txt",
    "odd names/<img src=x onerror=alert(1)>.txt",
    "odd names/double//slash.txt",
    "/leading-slash.txt",
]


def start_moto() -> tuple[Any, str]:
    """Start moto's server on a free loopback port; returns the server (call .stop()) and its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise StoreUnavailable("The demo needs moto's server: pip install 's3-manager[demo]'.") from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request drowns the gateway's own
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def demo_keys() -> dict[str, bytes]:
    """A few hundred objects in nested folders, including names that break naive explorers."""
    objects = {"README.txt": b"Welcome to the s3-manager demo. Everything here lives in an embedded moto server.\n"}
    for section in ("guide", "api", "deploy"):
        for page in range(1, 6):
            objects[f"docs/{section}/page-{page}.md"] = f"# {section} page {page}\n".encode()
    for day in range(1, 25):
        for hour in range(0, 24, 3):
            objects[f"logs/2026/11/{day:02d}/app-{hour:02d}.log"] = (
                f"2026-11-{day:02d}T{hour:02d}:00Z started\n".encode()
            )
    for n in range(450):  # more than one page, to show paging
        objects[f"data/many/item-{n:04d}.json"] = f'{{"item": {n}}}\n'.encode()
    for name in ODD_NAMES:
        objects[name] = f"the key is {name!r}\n".encode()
    objects["empty-folder/"] = b""
    return objects


def seed(storage: S3Storage, origins: list[str]) -> None:
    """Create the demo bucket with CORS for the explorer's origins (browser uploads need it) and fill it."""
    for bucket in (DEMO_BUCKET, "scratch"):
        storage.ensure_bucket(bucket, origins)
    storage.ensure_bucket(STATE_BUCKET, [])
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda item: storage.write(DEMO_BUCKET, item[0], item[1]), demo_keys().items()))

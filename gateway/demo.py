"""An embedded S3 for trying the explorer: moto's server on 127.0.0.1, seeded with a demo bucket.

moto checks no signatures, so this is for looking around, never for real data.
"""

from __future__ import annotations

import colorsys
import logging
import math
import mimetypes
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gateway.errors import StoreUnavailable
from gateway.s3 import S3Storage

DEMO_BUCKET = "demo"
DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo-secret", "AWS_REGION": "us-east-1"}
STATE_BUCKET = "s3-manager-state"
HISTORY_BUCKET = "history"
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


PHOTOS = {  # name: (hue of the sky, hue of the ground), for the grid view
    "aurora": (0.45, 0.65),
    "dunes": (0.08, 0.11),
    "harbour": (0.58, 0.55),
    "meadow": (0.55, 0.28),
    "sunset": (0.02, 0.75),
    "glacier": (0.52, 0.6),
}
TYPES = {".md": "text/markdown", ".log": "text/plain", ".json": "application/json", ".csv": "text/csv"}


def demo_keys() -> dict[str, bytes]:
    """A few hundred objects in nested folders: photos, a PDF, typed text and data, a folder deep enough to page,
    and names that break naive explorers."""
    objects = {"README.txt": b"Welcome to the s3-manager demo. Everything here lives in an embedded moto server.\n"}
    for name, (sky, ground) in PHOTOS.items():
        objects[f"photos/2026/{name}.png"] = landscape(320, 200, sky, ground)
    objects["reports/quarterly report 2026-Q3.pdf"] = pdf("Quarterly report, 2026 Q3: revenue up 12 %.")
    objects["data/sales.csv"] = (
        b"region,quarter,revenue\nnorth,2026-Q3,120500\nsouth,2026-Q3,98200\neast,2026-Q3,143900\n"
    )
    objects["data/config.json"] = b'{"retention_days": 30, "regions": ["north", "south", "east"], "beta": false}\n'
    for section in ("guide", "api", "deploy"):
        for page in range(1, 6):
            objects[f"docs/{section}/page-{page}.md"] = f"# {section} page {page}\n\nSee the other pages.\n".encode()
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


def content_type(key: str) -> str:
    """What the demo stores its files as, so that each kind of preview has something to show."""
    suffix = "." + key.rpartition(".")[2].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def landscape(width: int, height: int, sky: float, ground: float) -> bytes:
    """A PNG of a sky over rolling hills in the given hues (0 to 1), drawn without an imaging library."""
    rows = []
    for y in range(height):
        row = bytearray(b"\0")  # filter: none
        for x in range(width):
            horizon = height * (0.62 + 0.08 * math.sin(x / width * 6.3 + sky * 9))
            hue, light = (
                (ground, 0.35 - 0.15 * (y - horizon) / height) if y > horizon else (sky, 0.8 - 0.4 * y / height)
            )
            row += bytes(round(255 * c) for c in colorsys.hls_to_rgb(hue, light, 0.55))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def pdf(text: str) -> bytes:
    """A one-page PDF saying `text`, with a correct cross-reference table, so that viewers open it."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def seed(storage: S3Storage, origins: list[str]) -> None:
    """Create the demo buckets with CORS for the explorer's origins (browser uploads need it) and fill them: `demo`
    with its files, `history` (versioned) with a file edited three times."""
    for bucket in (DEMO_BUCKET, "scratch", HISTORY_BUCKET):
        storage.ensure_bucket(bucket, origins)
    storage.ensure_bucket(STATE_BUCKET, [])
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda kv: storage.write(DEMO_BUCKET, kv[0], kv[1], content_type(kv[0])), demo_keys().items()))
    storage.api.put_bucket_versioning(Bucket=HISTORY_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for days in (30, 60, 90):
        storage.write(HISTORY_BUCKET, "settings/retention.yaml", f"retention_days: {days}\n".encode(), "text/plain")

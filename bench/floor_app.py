"""The least any gateway on this stack can hold in memory: granian, Litestar and one boto3 S3 client, one route.

bench/http_routes.py serves it like the gateway (granian, one worker) and measures it as a baseline: what the
gateway's memory costs above it is the gateway's own; what it costs below Companion's is the stack's.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from litestar import Litestar, get

clients: list[Any] = []


@get("/")
async def index() -> dict[str, str]:
    return {"ok": "yes"}


def connect() -> None:
    clients.append(boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"]))


app = Litestar([index], on_startup=[connect])

"""Providers for Litestar's dependency injection."""

from __future__ import annotations

from litestar.datastructures import State

from gateway.s3 import S3Storage
from gateway.types import AnyRequest


def provide_storage(state: State) -> S3Storage:
    """The worker's storage adapter, made in the lifespan."""
    storage: S3Storage = state.storage
    return storage


def storage_of(request: AnyRequest) -> S3Storage:
    """The same storage, read directly: on the per-part routes, which an upload calls thousands of times,
    Litestar's dependency resolution costs about 10 us, a fifth of the whole request (bench/http_routes.py)."""
    storage: S3Storage = request.app.state.storage
    return storage

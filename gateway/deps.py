"""Providers for Litestar's dependency injection."""

from __future__ import annotations

from litestar.datastructures import State

from gateway.storage import S3Storage


def provide_storage(state: State) -> S3Storage:
    """The worker's storage adapter, made in the lifespan."""
    storage: S3Storage = state.storage
    return storage

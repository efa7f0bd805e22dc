"""Providers for Litestar's dependency injection."""

from __future__ import annotations

from gateway.errors import NotFound
from gateway.s3 import S3Storage
from gateway.security.auth import signed_in
from gateway.stores import store_of
from gateway.types import AnyRequest


def storage_of(request: AnyRequest) -> S3Storage:
    """The storage adapter of the store the request is for, made in the lifespan. A store the caller holds no grant
    on is answered as one that does not exist, so its name tells nothing. Read directly on the per-part routes, which
    an upload calls thousands of times: Litestar's dependency resolution costs about 10 us, a fifth of the whole
    request (bench/http_routes.py)."""
    name = store_of(request.scope)
    storage: S3Storage | None = request.app.state.stores.get(name)
    if storage is None or not signed_in(request).sees_store(name):
        raise NotFound(f"There is no store named {name!r} here.")
    return storage


def provide_storage(request: AnyRequest) -> S3Storage:
    """The same, as the `storage` dependency of every other handler."""
    return storage_of(request)

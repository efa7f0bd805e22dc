"""Providers for Litestar's dependency injection, and the guard that checks the store they provide."""

from __future__ import annotations

from litestar.handlers import BaseRouteHandler

from gateway.errors import NotFound
from gateway.s3 import S3Storage
from gateway.security.auth import signed_in
from gateway.stores import store_of
from gateway.types import AnyConnection, AnyRequest


async def known_store(connection: AnyConnection, handler: BaseRouteHandler) -> None:
    """Guard on every route, after sign-in: refuse a store that does not exist, or where the caller holds no grant,
    answered alike so a name tells nothing, before any parameter is read. Async: Litestar would run a sync guard in
    a thread."""
    name, public = store_of(connection.scope), handler.opt.get("public")  # public: no one signed in to ask about
    if name not in connection.app.state.stores or not (public or signed_in(connection).sees_store(name)):
        raise NotFound(f"There is no store named {name!r} here.")


def storage_of(request: AnyRequest) -> S3Storage:
    """The storage adapter of the store the request is for (made in the lifespan, checked by `known_store`). Read
    directly on the per-part routes, which an upload calls thousands of times: Litestar's dependency resolution
    costs about 10 us, a fifth of the whole request (bench/http_routes.py)."""
    storage: S3Storage = request.app.state.stores[store_of(request.scope)]
    return storage


def provide_storage(request: AnyRequest) -> S3Storage:
    """The same, as the `storage` dependency of every other handler."""
    return storage_of(request)

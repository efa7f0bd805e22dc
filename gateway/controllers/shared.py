"""What several controllers use: their guards, the lifetime of a URL they sign, and the folder view that pages and
actions show."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from litestar import Response
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import HTTPScope

from gateway.errors import BadRequest, GatewayError, Unsupported
from gateway.models import Listing, ObjectEntry, PendingUpload, VersionsPage
from gateway.observability.audit import audited, presigned
from gateway.responses import page_or_partial, wants_partial
from gateway.rules.keys import breadcrumbs, check_bucket_name, folder_of
from gateway.rules.limits import (
    MAX_FILES_PER_REQUEST,
    MAX_PARTS,
    MAX_SIGNED_AT_ONCE,
    ZIP_MEMORY_LIMIT,
    check_expires,
)
from gateway.rules.previews import has_thumbnail
from gateway.s3 import S3Storage
from gateway.security.auth import (
    allow,
    allow_listing,
    default_lifetime,
    lifetime_cap,
    own_upload_cap,
    principal_of,
    upload_size_cap,
)
from gateway.settings import Settings
from gateway.templating import build_url
from gateway.types import AnyConnection, AnyRequest

T = TypeVar("T")


async def valid_bucket(connection: AnyConnection, _: BaseRouteHandler) -> None:
    """Guard of the controllers whose paths name a bucket: the name is checked here, once, before any handler.
    Async: Litestar would run a sync guard in a thread."""
    bucket = connection.path_params.get("bucket")
    if bucket is not None:
        check_bucket_name(bucket)


async def json_bodies_only(connection: AnyConnection, _: BaseRouteHandler) -> None:
    """Guard: refuse a POST that is not JSON (what a cross-site form would send). Async: Litestar would run a
    sync guard in a thread, a hop that cost more than the whole request here."""
    method = cast(HTTPScope, connection.scope)["method"]
    if method == "POST" and not connection.headers.get("content-type", "").startswith("application/json"):
        raise HTTPException(status_code=415, detail="Send the request body as application/json.")


def lifetime(request: AnyRequest, requested: int | None) -> tuple[int, datetime]:
    """The URL's lifetime: asked for, or the default; never beyond the gateway's or the caller's cap."""
    seconds = check_expires(requested, default_lifetime(request), lifetime_cap(request))
    return seconds, datetime.now(UTC) + timedelta(seconds=seconds)


VIEWS = ("list", "grid")


async def load_listing(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    prefix: str,
    token: str | None = None,
    *,
    flat: bool = False,
    size: int | None = None,
) -> Listing:
    """One page of `prefix` as the caller may see it: the one listing behind the pages, the JSON API and the
    scans (gateway/controllers/scans.py)."""
    principal = allow_listing(request, bucket, prefix)
    return principal.visible(await storage.list_page(bucket, prefix, token, flat=flat, size=size))


async def load_versions(
    request: AnyRequest, storage: S3Storage, bucket: str, prefix: str, token: str | None, *, flat: bool, size: int
) -> VersionsPage:
    """One page of the versions below `prefix` as the caller may see them: the same grants as load_listing."""
    principal = allow_listing(request, bucket, prefix)
    page = await storage.versions_page(bucket, prefix, token, flat=flat, size=size)

    def visible(entries: list[ObjectEntry]) -> list[ObjectEntry]:
        return principal.visible(Listing(bucket, prefix, [], entries, None)).objects

    return VersionsPage(visible(page.current), visible(page.noncurrent), visible(page.delete_markers), page.next_token)


async def abort_pending(
    request: AnyRequest, storage: S3Storage, bucket: str, prefix: str
) -> tuple[int, list[tuple[PendingUpload, str]]]:
    """Abort every incomplete upload under `prefix`, each audited: how many went, and those the store kept, with
    its reason. The `delete` grant, since it destroys uploads other people may still be sending."""
    allow(request, "delete", bucket, prefix)
    aborted, failed = 0, []
    for upload in await storage.pending_uploads(bucket, prefix):
        try:
            with audited(request, "upload.abort", bucket=bucket, key=upload.key):
                await storage.abort_multipart(bucket, upload.key, upload.upload_id)
            aborted += 1
        except GatewayError as exc:
            failed.append((upload, exc.message))
    return aborted, failed


async def complete_within_cap(request: AnyRequest, storage: S3Storage, bucket: str, key: str, upload_id: str) -> None:
    """Before a capped caller's multipart upload is completed, add up its parts on the store; over the cap, abort it
    (its parts stop costing) and refuse. Part URLs for Uppy cannot sign their length, so this is the last word."""
    cap = own_upload_cap(request)
    if cap is None:
        return
    total = sum(part.size for part in await storage.list_parts(bucket, key, upload_id))
    if total > upload_size_cap(request):
        await storage.abort_multipart(bucket, key, upload_id)
        raise BadRequest(f"This upload holds {total} bytes, over your cap of {cap}: it was aborted.")


def upload_options(settings: Settings) -> dict[str, int | bool]:
    """What the page's transfer scripts need to know: when to go multipart, in which parts, how much the gateway
    signs at once, whether Uppy may pick the target, and how large a zip may be where it is built in memory. The
    scripts hard-code none of it."""
    return {
        "multipart_threshold": settings.multipart_threshold,
        "part_size": settings.part_size,
        "max_parts": MAX_PARTS,
        "files_per_request": MAX_FILES_PER_REQUEST,
        "parts_per_request": MAX_SIGNED_AT_ONCE,
        "uppy": settings.upload_target_from_metadata,
        "zip_memory_limit": ZIP_MEMORY_LIMIT,
    }


def thumbnails(request: AnyRequest, storage: S3Storage, listing: Listing) -> dict[str, str]:
    """For the grid view: a GET signed now for each image of the page that may be shown small (rules/previews.py),
    which the browser loads from the store. One audit record for the page, not one per image."""
    principal, seconds = principal_of(request), default_lifetime(request)
    keys = [
        o.key for o in listing.objects if has_thumbnail(o.key, o.size) and principal.may("read", listing.bucket, o.key)
    ]
    if keys:
        presigned(request, "GET", listing.bucket, listing.prefix, seconds, purpose="thumbnails", objects=len(keys))
    return {key: storage.presign_get(listing.bucket, key, "inline", seconds) for key in keys}


def rows_context(request: AnyRequest, storage: S3Storage, listing: Listing, view: str) -> dict[str, Any]:
    """What partials/rows.html needs: the page of rows, how they are shown, and the thumbnails of a grid."""
    if view not in VIEWS:
        raise BadRequest(f"A folder is shown as {' or '.join(VIEWS)}, not {view!r}.")
    grid = view == "grid"
    return {"listing": listing, "view": view, "thumbnails": thumbnails(request, storage, listing) if grid else {}}


async def folder_view(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    prefix: str,
    *,
    token: str | None = None,
    notice: str | None = None,
    view: str = "list",
) -> Template:
    """A page of `prefix` (the first unless `token`), with breadcrumbs and toolbar: what every action shows after."""
    listing = await load_listing(request, storage, bucket, prefix, token)
    folder = folder_of(prefix)
    context = {
        **rows_context(request, storage, listing, view),
        "folder": folder,
        "crumbs": breadcrumbs(folder),
        "search": prefix[len(folder) :],
        "notice": notice,
        "uploads": upload_options(storage.settings),
    }
    return page_or_partial(request, "pages/browse.html", "partials/folder.html", context)


async def versions_view(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    folder: str,
    notice: str | None = None,
    token: str | None = None,
) -> Template:
    """A folder's versions and delete markers (the listing's "Versions" view), where a deleted object is found and
    brought back. Within a prefix the caller may list: above one, the plain listing shows the way down."""
    allow(request, "list", bucket, folder)
    history, versioning = await asyncio.gather(
        storage.folder_versions(bucket, folder, token), unless_unsupported(storage.versioning_setting(bucket))
    )
    context = {
        "history": history,
        "folder": folder,
        "crumbs": breadcrumbs(folder),
        "versioning": versioning,
        "notice": notice,
    }
    return page_or_partial(request, "pages/versions.html", "partials/versions.html", context)


async def unless_unsupported(work: Awaitable[T]) -> T | None:
    """A section's data, or None when the store lacks the feature: that section says so, the others still show."""
    try:
        return await work
    except Unsupported:
        return None


async def after_change(
    request: AnyRequest,
    storage: S3Storage,
    bucket: FromPath[str],
    prefix: str,
    notice: str,
    *,
    incomplete: bool = False,
) -> Response[Any]:
    """Show the folder again with what happened (htmx), or redirect to it (plain form). A plain form whose change
    was `incomplete` gets the page itself, so the message naming what remains is not lost in a redirect."""
    location = build_url(request, "browse", {"prefix": prefix}, bucket=bucket)
    if wants_partial(request) or incomplete:
        view = await folder_view(request, storage, bucket, prefix, notice=notice)
        view.headers["HX-Replace-Url"] = location
        return view
    return Redirect(location, status_code=303)

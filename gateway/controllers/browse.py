"""Walking a bucket: one page of a prefix at a time, as a page or as the htmx partial it includes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from gateway.responses import VARY, page_or_partial, wants_partial
from gateway.rules.keys import breadcrumbs, check_bucket_name, check_prefix, folder_of
from gateway.s3 import S3Storage
from gateway.security.auth import allow_listing
from gateway.settings import Settings


def upload_options(settings: Settings) -> dict[str, Any]:
    """What the page's upload script needs to know: when to go multipart, and whether Uppy may pick the target."""
    return {
        "multipart_threshold": settings.multipart_threshold,
        "part_size": settings.part_size,
        "uppy": settings.upload_target_from_metadata,
    }


async def explorer_view(
    request: Request[Any, Any, Any],
    storage: S3Storage,
    bucket: str,
    prefix: str,
    *,
    token: str | None = None,
    notice: str | None = None,
) -> Template:
    """A page of `prefix` (the first unless `token`), with breadcrumbs and toolbar: what every action shows after."""
    principal = allow_listing(request, bucket, prefix)
    listing = principal.visible(await storage.list_page(bucket, prefix, token))
    folder = folder_of(prefix)
    context = {
        "listing": listing,
        "folder": folder,
        "crumbs": breadcrumbs(folder),
        "search": prefix[len(folder) :],
        "notice": notice,
        "uploads": upload_options(storage.settings),
    }
    return page_or_partial(request, "pages/browse.html", "partials/explorer.html", context)


class BrowseController(Controller):
    include_in_schema = False

    @get("/b/{bucket:str}", name="browse")
    async def browse(
        self,
        request: Request[Any, Any, Any],
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
    ) -> Template:
        """A folder (prefix ending in '/') or a search (any other prefix); `token` asks for a later page."""
        check_bucket_name(bucket)
        check_prefix(prefix)
        if token and wants_partial(request):
            principal = allow_listing(request, bucket, prefix)
            listing = principal.visible(await storage.list_page(bucket, prefix, token))
            return Template(template_name="partials/rows.html", context={"listing": listing}, headers=VARY)
        return await explorer_view(request, storage, bucket, prefix, token=token)

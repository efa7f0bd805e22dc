"""Walking a bucket: one page of a prefix at a time, as a page or as the htmx partial it includes."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from gateway.controllers.shared import folder_view, load_listing, rows_context, valid_bucket, versions_view
from gateway.responses import VARY, wants_partial
from gateway.rules.keys import check_prefix, folder_prefix
from gateway.s3 import S3Storage
from gateway.types import AnyRequest


class BrowseController(Controller):
    include_in_schema = False
    guards = [valid_bucket]

    @get("/b/{bucket:str}", name="browse")
    async def browse(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
        view: FromQuery[str] = "list",
    ) -> Template:
        """A folder (prefix ending in '/') or a search (any other prefix), as a list or a grid of thumbnails;
        `token` asks for a later page."""
        check_prefix(prefix)
        if token and wants_partial(request):
            listing = await load_listing(request, storage, bucket, prefix, token)
            context = rows_context(request, storage, listing, view)
            return Template(template_name="partials/rows.html", context=context, headers=VARY)
        return await folder_view(request, storage, bucket, prefix, token=token, view=view)

    @get("/b/{bucket:str}/versions", name="folder_versions")
    async def versions(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
    ) -> Template:
        """The folder's versions and delete markers, a page at a time."""
        return await versions_view(request, storage, bucket, folder_prefix(prefix) if prefix else "", token=token)

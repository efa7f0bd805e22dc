"""Search a folder and everything below it, or add up its size, as pages: each request scans a chunk of keys
(controllers/scans.py) and shows what it found with a link that goes on from there. With scripts that link follows
itself as soon as it is shown, so results stream in until the end or Stop; without, it is a Continue link. The
running totals travel in that link, so the gateway keeps nothing between chunks. A sorted search is one request of
up to S3M_SCAN_LIMIT keys (a sort needs them all before it shows the first), whose first rows are shown, with how
many keys were sorted when there were more.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from gateway.controllers.scans import Progress, SearchQuery, scan, search_query
from gateway.controllers.shared import valid_bucket
from gateway.models import ObjectEntry
from gateway.responses import VARY, page_or_partial, wants_partial
from gateway.rules.keys import breadcrumbs, check_prefix, folder_of
from gateway.s3 import S3Storage
from gateway.security.auth import allow_listing
from gateway.templating import build_url
from gateway.types import AnyRequest

CHUNK_KEYS = 10_000  # keys one request scans: ten listing pages, about a second on a local store
CHUNK_ROWS = 500  # matches one request shows at most, so a chunk of HTML stays small


class SearchController(Controller):
    include_in_schema = False
    guards = [valid_bucket]

    @get("/b/{bucket:str}/search", name="search", dependencies={"search": Provide(search_query)})
    async def form(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        search: NamedDependency[SearchQuery],
        prefix: FromQuery[str] = "",
        go: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
        scanned: FromQuery[int] = 0,
        matched: FromQuery[int] = 0,
        total: FromQuery[int] = 0,
        older: FromQuery[int] = 0,
        older_bytes: FromQuery[int] = 0,
        markers: FromQuery[int] = 0,
    ) -> Template:
        """The form; with `go` (search, or size for totals only), one chunk of the scan and the way on. The size of
        a folder in a versioned bucket counts its older versions and delete markers apart."""
        folder, filters = folder_of(check_prefix(prefix)), search.filters
        allow_listing(request, bucket, folder)
        context: dict[str, Any] = {"bucket": bucket, "folder": folder, "crumbs": breadcrumbs(folder)}
        context |= {"filters": filters, "go": go, "rows": [], "progress": None, "more": None, "sorted": None}
        if go in ("search", "size"):
            order = search.order if go == "search" else None  # a size has no rows to sort
            versions = go == "size" and await storage.versioning(bucket) is not None
            rows: list[ObjectEntry] = []
            progress = Progress()
            chunk = None if order else CHUNK_KEYS  # a sort sees every key it can (S3M_SCAN_LIMIT) before its first row
            pages = scan(
                request, storage, bucket, folder, search, token, limit=chunk, versions=versions, sort=bool(order)
            )
            async for found, so_far in pages:
                progress = so_far
                if go == "search":
                    rows += found
                if len(rows) >= CHUNK_ROWS and not order:
                    break
            totals = {"scanned": scanned + progress.scanned, "matched": matched + progress.matched}
            totals["total"] = total + progress.bytes
            if versions:
                totals |= {"older": older + progress.older, "older_bytes": older_bytes + progress.older_bytes}
                totals["markers"] = markers + progress.delete_markers
            counts = {name: str(value) for name, value in totals.items()}
            going_on = {**filters, "prefix": folder, "go": go, "token": progress.next_token, **counts}
            more = build_url(request, "search", going_on, bucket=bucket) if progress.next_token and not order else None
            if order:  # the first rows of the order, and whether the keys sorted were all of them
                context["sorted"] = {"shown": min(len(rows), CHUNK_ROWS), "partial": progress.next_token is not None}
                rows = rows[:CHUNK_ROWS]
            context |= {"rows": rows, "progress": totals, "more": more}
            if token and wants_partial(request):  # a further chunk, asked for by the last one's link
                return Template(template_name="partials/search_chunk.html", context=context, headers=VARY)
        return page_or_partial(request, "pages/search.html", "partials/search.html", context)

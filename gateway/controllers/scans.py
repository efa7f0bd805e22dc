"""Whole-folder scans: S3 has no search and no folder size, so both are a walk through ListObjectsV2 pages of every
key below a folder. One request scans at most S3M_SCAN_LIMIT keys for at most S3M_SCAN_SECONDS and then says where
to go on (a continuation token), so the gateway keeps nothing between requests and a caller that stops asking
stops the store calls. A sorted scan holds its matches back until the request's last page (at most S3M_SCAN_LIMIT of
them) and gives them sorted: the order of the keys one request scanned, which the answer says when there are more.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar.params import FromQuery

from gateway.controllers.shared import load_listing, load_versions
from gateway.errors import BadRequest
from gateway.models import ObjectEntry
from gateway.rules.search import Order, Search, parse_search, parse_sort
from gateway.s3 import S3Storage
from gateway.types import AnyRequest

SCAN_PAGE = 1000  # keys per ListObjectsV2 call: the most the store gives, so the fewest calls


FILTERS = ("text", "glob", "min_size", "max_size", "after", "before")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search as the request gave it: the filters and the sort as typed (a form shows them again, a link carries
    them on), and parsed."""

    filters: dict[str, str]
    search: Search
    order: Order | None
    below: bool
    """Every key below the folder (within=below, the default), or the folder's own objects only (within=folder)."""


async def search_query(
    text: FromQuery[str] = "",
    glob: FromQuery[str] = "",
    min_size: FromQuery[str] = "",
    max_size: FromQuery[str] = "",
    after: FromQuery[str] = "",
    before: FromQuery[str] = "",
    sort: FromQuery[str] = "",
    within: FromQuery[str] = "below",
) -> SearchQuery:
    """The search filters, sort and scope of a request's query string: the dependency of every route that scans
    (Litestar reads the parameters by name, and documents them)."""
    if within not in ("below", "folder"):
        raise BadRequest(
            f"within is below (the folder and every folder in it) or folder (its own objects), not {within[:40]!r}."
        )
    filters = dict(zip(FILTERS, (text, glob, min_size, max_size, after, before), strict=True))
    typed = {**filters, "sort": sort, "within": within}
    return SearchQuery(typed, parse_search(**filters), parse_sort(sort), within == "below")


@dataclass(slots=True)
class Progress:
    """How far one request's scan got: keys listed (those the caller may see), how many matched and their bytes,
    and where a further request goes on (None once the folder was scanned to its end)."""

    scanned: int = 0
    matched: int = 0
    bytes: int = 0
    older: int = 0
    """With versions: the older versions that matched (a versioned bucket keeps, and bills, them), their bytes,
    and the delete markers that matched."""
    older_bytes: int = 0
    delete_markers: int = 0
    next_token: str | None = None
    stopped: str = ""
    """Why it stopped before the end: "limit" (S3M_SCAN_LIMIT keys) or "time" (S3M_SCAN_SECONDS)."""


async def scan(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    folder: str,
    query: SearchQuery,
    token: str | None = None,
    *,
    limit: int | None = None,
    versions: bool = False,
    sort: bool = True,
) -> AsyncIterator[tuple[list[ObjectEntry], Progress]]:
    """Every key below `folder` (from `token` on) that `query` matches, page by page: yields each page's matches
    with the progress so far, or, when the query has an order (and `sort`), nothing until the last page and then
    every match, sorted. Stops at the end of the folder, or at the gateway's bounds (or a lower `limit`) with
    progress.next_token set. Folder markers (keys ending in '/') are folders, not matches; with the query's
    within=folder, only the folder's own objects are scanned. With `versions`, the scan lists every version
    (ListObjectVersions), and counts the older versions and delete markers apart."""
    settings = storage.settings
    limit = min(limit or settings.scan_limit, settings.scan_limit)
    deadline = time.monotonic() + settings.scan_seconds
    matches, progress = query.search.matcher(folder), Progress()
    order, below = query.order if sort else None, query.below
    held: list[ObjectEntry] = []  # a sorted scan's matches, until its last page
    while True:
        if versions:
            page = await load_versions(request, storage, bucket, folder, token, flat=below, size=SCAN_PAGE)
            listed, token = page.current, page.next_token
            older = [entry for entry in page.noncurrent if not entry.key.endswith("/") and matches(entry)]
            progress.older += len(older)
            progress.older_bytes += sum(entry.size for entry in older)
            progress.delete_markers += sum(1 for entry in page.delete_markers if matches(entry))
        else:
            listing = await load_listing(request, storage, bucket, folder, token, flat=below, size=SCAN_PAGE)
            listed, token = listing.objects, listing.next_token
        keys = [entry for entry in listed if not entry.key.endswith("/")]
        found = [entry for entry in keys if matches(entry)]
        progress.scanned += len(keys)
        progress.matched += len(found)
        progress.bytes += sum(entry.size for entry in found)
        progress.next_token = token
        if token and progress.scanned >= limit:
            progress.stopped = "limit"
        elif token and time.monotonic() >= deadline:
            progress.stopped = "time"
        last = token is None or bool(progress.stopped)
        if order:
            held += found
            if last:
                order.sort(held)
            found = held if last else []
        yield found, progress
        if last:
            return

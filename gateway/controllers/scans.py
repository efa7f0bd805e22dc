"""Whole-folder scans: S3 has no search and no folder size, so both are a walk through ListObjectsV2 pages of every
key below a folder. One request scans at most S3M_SCAN_LIMIT keys for at most S3M_SCAN_SECONDS and then says where
to go on (a continuation token), so the gateway keeps nothing between requests and a caller that stops asking
stops the store calls.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar.params import FromQuery

from gateway.controllers.shared import load_listing
from gateway.models import ObjectEntry
from gateway.rules.search import Search, parse_search
from gateway.s3 import S3Storage
from gateway.types import AnyRequest

SCAN_PAGE = 1000  # keys per ListObjectsV2 call: the most the store gives, so the fewest calls


FILTERS = ("text", "glob", "min_size", "max_size", "after", "before")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search as the request gave it: the filters as typed (a form shows them again, a link carries them on), and
    parsed."""

    filters: dict[str, str]
    search: Search


async def search_query(
    text: FromQuery[str] = "",
    glob: FromQuery[str] = "",
    min_size: FromQuery[str] = "",
    max_size: FromQuery[str] = "",
    after: FromQuery[str] = "",
    before: FromQuery[str] = "",
) -> SearchQuery:
    """The search filters of a request's query string: the dependency of every route that scans (Litestar reads the
    parameters by name, and documents them)."""
    filters = dict(zip(FILTERS, (text, glob, min_size, max_size, after, before), strict=True))
    return SearchQuery(filters, parse_search(**filters))


@dataclass(slots=True)
class Progress:
    """How far one request's scan got: keys listed (those the caller may see), how many matched and their bytes,
    and where a further request goes on (None once the folder was scanned to its end)."""

    scanned: int = 0
    matched: int = 0
    bytes: int = 0
    next_token: str | None = None
    stopped: str = ""
    """Why it stopped before the end: "limit" (S3M_SCAN_LIMIT keys) or "time" (S3M_SCAN_SECONDS)."""


async def scan(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    folder: str,
    search: Search,
    token: str | None = None,
    *,
    limit: int | None = None,
) -> AsyncIterator[tuple[list[ObjectEntry], Progress]]:
    """Every key below `folder` (from `token` on), page by page: yields each page's matches with the progress so
    far. Stops at the end of the folder, or at the gateway's bounds (or a lower `limit`) with progress.next_token
    set. Folder markers (keys ending in '/') are folders, not matches."""
    settings = storage.settings
    limit = min(limit or settings.scan_limit, settings.scan_limit)
    deadline = time.monotonic() + settings.scan_seconds
    matches, progress = search.matcher(folder), Progress()
    while True:
        listing = await load_listing(request, storage, bucket, folder, token, flat=True, size=SCAN_PAGE)
        keys = [entry for entry in listing.objects if not entry.key.endswith("/")]
        found = [entry for entry in keys if matches(entry)]
        progress.scanned += len(keys)
        progress.matched += len(found)
        progress.bytes += sum(entry.size for entry in found)
        progress.next_token = token = listing.next_token
        if token and progress.scanned >= limit:
            progress.stopped = "limit"
        elif token and time.monotonic() >= deadline:
            progress.stopped = "time"
        yield found, progress
        if token is None or progress.stopped:
            return

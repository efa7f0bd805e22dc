"""JSON API, version 1: list what the pages show, and mint presigned GET, PUT and POST URLs.

Exempt from the CSRF cookie check (other programs call it), so every POST must be `application/json`: a
cross-site page cannot send that without a CORS preflight, which the gateway does not grant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from gateway import __version__
from gateway.api_models import (
    BucketInfo,
    BucketList,
    ObjectInfo,
    ObjectList,
    PresignedPost,
    PresignedUrl,
    PresignGet,
    PresignPost,
    PresignPut,
)
from gateway.controllers.scans import Progress, SearchQuery, scan, search_query
from gateway.controllers.shared import json_bodies_only, lifetime, load_listing, valid_bucket
from gateway.errors import BadRequest, GatewayError
from gateway.models import ObjectEntry, PostPolicy
from gateway.observability.audit import presigned
from gateway.rules.keys import check_key, check_prefix, content_disposition, folder_of
from gateway.rules.limits import check_size
from gateway.rules.previews import renders_markup
from gateway.s3 import S3Storage
from gateway.security.auth import (
    allow,
    default_lifetime,
    own_upload_cap,
    principal_of,
    upload_size_cap,
    visible_buckets,
)
from gateway.types import AnyRequest


@get("/api/v1", name="api_root", tags=["listing"], summary="The API's version and where its schema is")
async def api_root() -> dict[str, str]:
    """Small and constant: also the ceiling the HTTP benchmark compares the presign routes with."""
    return {"version": __version__, "schema": "/api/schema/openapi.json"}


class BucketsApi(Controller):
    path = "/api/v1/buckets"
    tags = ["listing"]
    guards = [valid_bucket]

    @get("/", name="api_buckets", summary="List the buckets")
    async def buckets(self, request: AnyRequest, storage: NamedDependency[S3Storage]) -> BucketList:
        return BucketList([BucketInfo(b.name, b.created) for b in await visible_buckets(request, storage)])

    @get("/{bucket:str}/objects", name="api_objects", summary="List one page of a prefix")
    async def objects(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
        flat: FromQuery[bool] = False,
    ) -> ObjectList:
        """Folders and objects of `prefix` (flat: every key below it), one page at a time; follow next_token."""
        listing = await load_listing(request, storage, bucket, check_prefix(prefix), token, flat=flat)
        return ObjectList(
            bucket=bucket,
            prefix=prefix,
            folders=[f.prefix for f in listing.folders],
            objects=[ObjectInfo(o.key, o.size, o.modified) for o in listing.objects],
            next_token=listing.next_token,
        )


SCAN_DESCRIPTION = """Scans every key below `prefix` (a folder: the part after its last '/' is ignored) and answers
as it goes, one JSON object a line (NDJSON):

- `{"key": …, "size": …, "modified": …}` for each matching key (left out with `keys=false`, to add up a size);
  with `urls=true`, also `"url"`: a GET signed now (the caller's default lifetime), or null where the caller may
  list the key but not read it. That is how the explorer zips a folder in the browser, from the store;
- `{"progress": {"scanned": …, "matched": …, "bytes": …}}` after each listing page of 1,000 keys;
- `{"end": {"scanned": …, "matched": …, "bytes": …, "next_token": …, "stopped": …}}` last. `next_token` is null
  when the folder was scanned to its end; otherwise the scan stopped at the gateway's bounds (`stopped`: "limit",
  S3M_SCAN_LIMIT keys, or "time", S3M_SCAN_SECONDS) or at `limit`, and the same request with `token=next_token`
  goes on. Counts are this request's own.
- `{"error": …}` if the store fails after the first page.

`within=folder` scans the folder's own objects only, not those in its subfolders (`within=below`, the default).
Only keys the caller may list are scanned, counted or returned. Filters: `text` (a substring, any case), `glob`
(`*.pdf`, `2026-*/report*`, matched against the key below the folder, case as stored), `min_size` and `max_size`
(bytes, or 10K, 5M, 1G), `after` and `before` (days, UTC; `before` excluded). Closing the connection stops the
store calls.

`sort` orders the key lines by `name`, `size` or `modified`, or the reverse with a '-' before (`-modified`: newest
first, `-size`: largest first). S3 lists keys by name only, so a sorted scan holds its matches until the request
has scanned its last page, then sends them all, sorted: the progress lines come first. The order is that of the keys
this request scanned: when `end` has a `next_token`, there are more (at most S3M_SCAN_LIMIT keys are sorted at
once), and a further request sorts the next ones apart.

`versions=true` lists every version (ListObjectVersions): the counts of `progress` and `end` gain `older` and
`older_bytes` (the older versions a versioned bucket keeps, and bills) and `delete_markers`, each as filtered; key
lines stay those of the current versions."""


def ndjson_line(value: object) -> bytes:
    return msgspec.json.encode(value) + b"\n"


def progress_of(progress: Progress, versions: bool) -> dict[str, int]:
    counts = {"scanned": progress.scanned, "matched": progress.matched, "bytes": progress.bytes}
    if versions:
        counts |= {"older": progress.older, "older_bytes": progress.older_bytes}
        counts["delete_markers"] = progress.delete_markers
    return counts


def plain_lines(found: list[ObjectEntry]) -> bytes:
    return b"".join(ndjson_line({"key": o.key, "size": o.size, "modified": o.modified}) for o in found)


def signed_lines(
    request: AnyRequest, storage: S3Storage, bucket: str, folder: str
) -> Callable[[list[ObjectEntry]], bytes]:
    """Key lines with a GET signed now where the caller may read the key (null where they may only list it): one
    audit record a page, not one a key, as for the grid's thumbnails."""
    principal, seconds = principal_of(request), default_lifetime(request)

    def lines(found: list[ObjectEntry]) -> bytes:
        readable = {o.key for o in found if principal.may("read", bucket, o.key)}
        if readable:
            presigned(request, "GET", bucket, folder, seconds, purpose="scan", objects=len(readable))
        return b"".join(
            ndjson_line(
                {
                    "key": o.key,
                    "size": o.size,
                    "modified": o.modified,
                    "url": storage.presign_get(bucket, o.key, None, seconds) if o.key in readable else None,
                }
            )
            for o in found
        )

    return lines


class ScanApi(Controller):
    path = "/api/v1/buckets"
    tags = ["listing"]
    guards = [valid_bucket]

    @get(
        "/{bucket:str}/scan",
        name="api_scan",
        summary="Search a folder, or add up its size, as a stream of NDJSON lines",
        description=SCAN_DESCRIPTION,
        media_type="application/x-ndjson",
        dependencies={"search": Provide(search_query)},
    )
    async def scan(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        search: NamedDependency[SearchQuery],
        prefix: FromQuery[str] = "",
        token: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        keys: FromQuery[bool] = True,
        urls: FromQuery[bool] = False,
        versions: FromQuery[bool] = False,
    ) -> Stream:
        folder = folder_of(check_prefix(prefix))
        lines_of = signed_lines(request, storage, bucket, folder) if urls else plain_lines
        if limit is not None and limit < 1:
            raise BadRequest("limit is a number of keys, at least 1.")
        pages = scan(request, storage, bucket, folder, search, token, limit=limit, versions=versions)
        first = await anext(pages)  # a refusal, a missing bucket or a bad token is an error status, not a line

        async def lines() -> AsyncIterator[bytes]:
            found, progress = first
            while True:
                if keys:
                    yield lines_of(found)
                if progress.next_token is None or progress.stopped:
                    end = {
                        **progress_of(progress, versions),
                        "next_token": progress.next_token,
                        "stopped": progress.stopped,
                    }
                    yield ndjson_line({"end": end})
                    return
                yield ndjson_line({"progress": progress_of(progress, versions)})
                try:
                    found, progress = await anext(pages)
                except GatewayError as exc:
                    yield ndjson_line({"error": exc.message})
                    return

        return Stream(lines(), media_type="application/x-ndjson", headers={"Cache-Control": "no-store"})


class PresignApi(Controller):
    path = "/api/v1/buckets/{bucket:str}/presign"
    tags = ["presign"]
    guards = [valid_bucket, json_bodies_only]

    @post("/get", name="api_presign_get", status_code=200, summary="Presign a download")
    async def presign_get(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[PresignGet],
    ) -> PresignedUrl:
        """A GET URL for `key`, saved under `filename` or shown inline. Only an inline request looks at the object:
        HTML, SVG and XML are handed out as downloads unless S3M_INLINE_MARKUP allows them."""
        key = check_key(data.key)
        allow(request, "share", bucket, key)
        seconds, until = lifetime(request, data.expires)
        inline = data.inline
        if inline and not storage.settings.inline_markup:
            inline = not renders_markup((await storage.head(bucket, key)).get("ContentType", ""))
        disposition = content_disposition(data.filename or key, "inline" if inline else "attachment")
        url = storage.presign_get(bucket, key, disposition, seconds)
        presigned(request, "GET", bucket, key, seconds)
        return PresignedUrl("GET", url, {}, seconds, until)

    @post("/put", name="api_presign_put", status_code=200, summary="Presign a single-request upload")
    async def presign_put(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[PresignPut],
    ) -> PresignedUrl:
        """A PUT URL for `key` (up to 5 GiB; use multipart beyond). With content_type, that header is signed."""
        key = check_key(data.key)
        allow(request, "write", bucket, key)
        seconds, until = lifetime(request, data.expires)
        size = check_size(data.content_length, upload_size_cap(request), own_upload_cap(request))
        headers = {"Content-Type": data.content_type} if data.content_type else {}
        if size is not None:
            headers["Content-Length"] = str(size)
        url = storage.presign_put(bucket, key, data.content_type, seconds, size)
        presigned(request, "PUT", bucket, key, seconds)
        return PresignedUrl("PUT", url, headers, seconds, until)

    @post("/post", name="api_presign_post", status_code=200, summary="Presign a browser form upload (POST policy)")
    async def presign_post(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[PresignPost],
    ) -> PresignedPost:
        """A POST policy: key or key prefix, size range, content type exact or by prefix; every field is signed."""
        if (data.key is None) == (data.key_prefix is None):
            raise BadRequest("Give exactly one of key and key_prefix.")
        if data.content_type and data.content_type_prefix is not None:
            raise BadRequest("Give content_type or content_type_prefix, not both.")
        key = check_key(data.key) if data.key is not None else check_prefix(data.key_prefix or "") + "${filename}"
        allow(request, "write", bucket, key.removesuffix("${filename}"))
        size_cap = upload_size_cap(request)
        max_size = size_cap if data.max_size is None else data.max_size
        if not 0 <= data.min_size <= max_size <= size_cap:
            raise BadRequest(f"Sizes must satisfy 0 <= min_size <= max_size <= {size_cap}.")
        seconds, until = lifetime(request, data.expires)
        policy = PostPolicy(max_size, data.min_size, data.content_type, data.content_type_prefix)
        signed = storage.presign_post(bucket, key, policy, seconds)
        presigned(request, "POST", bucket, key, seconds, max_size=max_size)
        return PresignedPost("POST", signed["url"], signed["fields"], seconds, until)

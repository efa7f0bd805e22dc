"""JSON API, version 1: multipart uploads, signed part by part, and the incomplete uploads that cost money."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from gateway.api_models import (
    AbortReport,
    CompletedUpload,
    CompleteMultipart,
    CreateMultipart,
    MultipartUpload,
    PartInfo,
    PartList,
    PartUrls,
    PendingUploadInfo,
    PendingUploadList,
)
from gateway.controllers.shared import abort_pending, complete_within_cap, json_bodies_only, lifetime, valid_bucket
from gateway.deps import storage_of
from gateway.errors import BadRequest
from gateway.observability.audit import audited, presigned
from gateway.rules.keys import check_key, check_prefix
from gateway.rules.limits import check_parts, check_size, parse_part_numbers, part_length
from gateway.s3 import S3Storage
from gateway.security.auth import allow, allow_listing, own_upload_cap, upload_size_cap
from gateway.types import AnyRequest


class MultipartApi(Controller):
    path = "/api/v1/buckets/{bucket:str}/multipart"
    tags = ["multipart"]
    guards = [valid_bucket]

    @post(
        "/", name="api_multipart_create", status_code=201, summary="Start a multipart upload", guards=[json_bodies_only]
    )
    async def create(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[CreateMultipart],
    ) -> MultipartUpload:
        key = check_key(data.key)
        allow(request, "write", bucket, key)
        with audited(request, "upload.start", bucket=bucket, key=key):
            upload_id = await storage.create_multipart(bucket, key, data.content_type)
        return MultipartUpload(bucket, key, upload_id)

    @get("/{upload_id:str}/urls", name="api_multipart_urls", summary="Presign part uploads (one or a batch)")
    async def part_urls(
        self,
        request: AnyRequest,
        bucket: FromPath[str],
        upload_id: FromPath[str],
        key: FromQuery[str],
        parts: FromQuery[str],
        expires: FromQuery[int | None] = None,
        size: FromQuery[int | None] = None,
        part_size: FromQuery[int | None] = None,
    ) -> PartUrls:
        """URLs for the part numbers in `parts` ('1,2,5-8', at most 1,000). With the upload's `size` and its
        `part_size` (both required from a caller with a size cap), each URL signs its part's length. Signing is
        local: no call to the store."""
        storage = storage_of(request)
        allow(request, "write", bucket, check_key(key))
        seconds, _ = lifetime(request, expires)
        total = check_size(size, upload_size_cap(request), own_upload_cap(request))
        if total is not None and part_size is None:
            raise BadRequest("Give part_size with size: each part's length is signed.")
        urls = {
            str(n): storage.presign_part(
                bucket, key, upload_id, n, seconds, None if total is None else part_length(n, part_size or 0, total)
            )
            for n in parse_part_numbers(parts)
        }
        presigned(request, "PUT", bucket, key, seconds, parts=parts)
        return PartUrls(urls, seconds)

    @get("/{upload_id:str}/parts", name="api_multipart_parts", summary="List the parts uploaded so far")
    async def parts(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        upload_id: FromPath[str],
        key: FromQuery[str],
    ) -> PartList:
        """What a resumed upload can skip."""
        allow(request, "write", bucket, check_key(key))
        found = await storage.list_parts(bucket, key, upload_id)
        return PartList([PartInfo(p.number, p.etag, p.size) for p in found])

    @post(
        "/{upload_id:str}/complete",
        name="api_multipart_complete",
        status_code=200,
        summary="Complete an upload",
        guards=[json_bodies_only],
    )
    async def complete(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        upload_id: FromPath[str],
        key: FromQuery[str],
        data: JSONBody[CompleteMultipart],
    ) -> CompletedUpload:
        parts = check_parts([(p.part_number, p.etag) for p in data.parts])
        allow(request, "write", bucket, check_key(key))
        with audited(request, "upload.complete", bucket=bucket, key=key, parts=len(parts)):
            await complete_within_cap(request, storage, bucket, key, upload_id)
            etag = await storage.complete_multipart(bucket, key, upload_id, parts)
        return CompletedUpload(bucket, key, etag, storage.object_url(bucket, key))

    @delete("/{upload_id:str}", name="api_multipart_abort", status_code=200, summary="Abort an upload")
    async def abort(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        upload_id: FromPath[str],
        key: FromQuery[str],
    ) -> dict[str, str]:
        """Abort and free the parts' storage. Answers 200 with a JSON body, which Uppy parses."""
        allow(request, "write", bucket, check_key(key))
        with audited(request, "upload.abort", bucket=bucket, key=key):
            await storage.abort_multipart(bucket, key, upload_id)
        return {}

    @get("/", name="api_multipart_pending", summary="List incomplete multipart uploads")
    async def pending(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
    ) -> PendingUploadList:
        """Uploads started under `prefix` and never completed or aborted (the first 1,000)."""
        principal = allow_listing(request, bucket, check_prefix(prefix))
        found = await storage.pending_uploads(bucket, prefix)
        visible = [u for u in found if principal.may("list", bucket, u.key)]
        return PendingUploadList([PendingUploadInfo(u.key, u.upload_id, u.initiated) for u in visible])

    @delete(
        "/", name="api_multipart_abort_all", status_code=200, summary="Abort every incomplete upload under a prefix"
    )
    async def abort_all(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
    ) -> AbortReport:
        """Every incomplete upload under `prefix` (the `delete` grant: they may be other people's)."""
        aborted, failed = await abort_pending(request, storage, bucket, check_prefix(prefix))
        return AbortReport(aborted, [{"key": u.key, "upload_id": u.upload_id, "reason": why} for u, why in failed])

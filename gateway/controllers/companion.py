"""The routes Uppy's @uppy/aws-s3 plugin calls on a Companion server, with Companion's request and response shapes.

Point Uppy at the gateway (`endpoint: "https://gateway.example"`, v5) and it uploads small files with a POST
policy and large ones in parallel parts, all straight to the store. The bucket and prefix come from
S3M_UPLOAD_BUCKET / S3M_UPLOAD_PREFIX, or from the upload's metadata when S3M_UPLOAD_TARGET_FROM_METADATA allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from gateway.controllers.shared import complete_within_cap, json_bodies_only
from gateway.deps import storage_of
from gateway.errors import BadRequest
from gateway.models import PostPolicy
from gateway.observability.audit import audited, presigned
from gateway.rules.keys import check_bucket_name, check_key, check_prefix
from gateway.rules.limits import check_part_number, check_parts, most_parts_within
from gateway.s3 import S3Storage
from gateway.security.auth import allow, default_lifetime, own_upload_cap, upload_size_cap
from gateway.security.upload_handles import seal, unseal
from gateway.settings import Settings
from gateway.stores import store_mark
from gateway.types import AnyRequest


@dataclass
class UppyCreate:
    filename: str
    type: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class UppyPart:
    ETag: str
    PartNumber: int


@dataclass
class UppyComplete:
    parts: list[UppyPart]


def upload_target(settings: Settings, metadata: dict[str, Any], filename: str) -> tuple[str, str]:
    """(bucket, key) of a new upload: configured, or chosen by metadata where the configuration allows it."""
    bucket, prefix = settings.upload_bucket, settings.upload_prefix
    if settings.upload_target_from_metadata:
        bucket = str(metadata.get("bucket") or "") or bucket
        if metadata.get("prefix") is not None:
            prefix = str(metadata["prefix"])
    if not bucket:
        raise BadRequest(
            "No upload bucket: set S3M_UPLOAD_BUCKET, or S3M_UPLOAD_TARGET_FROM_METADATA=true and send a bucket."
        )
    if not filename:
        raise BadRequest("filename must be a non-empty string.")
    return check_bucket_name(bucket), check_key(check_prefix(prefix) + filename)


def metadata_of(request: AnyRequest) -> dict[str, str]:
    """Uppy sends metadata in the query as metadata[name]=value."""
    return {k[9:-1]: v for k, v in request.query_params.items() if k.startswith("metadata[") and k.endswith("]")}


class CompanionRoutes(Controller):
    path = "/s3"
    tags = ["uppy"]

    @get("/params", name="uppy_params", summary="POST policy for a simple upload (Uppy getUploadParameters)")
    async def params(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        filename: FromQuery[str],
        type: FromQuery[str] = "",
    ) -> dict[str, Any]:
        bucket, key = upload_target(storage.settings, metadata_of(request), filename)
        allow(request, "write", bucket, key)
        seconds, max_size = default_lifetime(request), upload_size_cap(request)
        if storage.settings.uppy_upload_method == "put" and own_upload_cap(request) is None:
            # A PUT cannot bound its size unless the size is known, and Uppy does not send it: capped callers POST.
            url = storage.presign_put(bucket, key, type or None, seconds)
            presigned(request, "PUT", bucket, key, seconds)
            return {"method": "PUT", "url": url, "headers": {"content-type": type} if type else {}, "expires": seconds}
        signed = storage.presign_post(bucket, key, PostPolicy(max_size, content_type=type or None), seconds)
        presigned(request, "POST", bucket, key, seconds, max_size=max_size)
        return {"method": "POST", "url": signed["url"], "fields": signed["fields"], "expires": seconds}

    @post(
        "/multipart", name="uppy_create", status_code=200, summary="Start a multipart upload", guards=[json_bodies_only]
    )
    async def create(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], data: JSONBody[UppyCreate]
    ) -> dict[str, str]:
        bucket, key = upload_target(storage.settings, data.metadata or {}, data.filename)
        allow(request, "write", bucket, key)
        with audited(request, "upload.start", bucket=bucket, key=key):
            upload_id = await storage.create_multipart(bucket, key, data.type or "application/octet-stream")
        handle = seal(storage.settings.secret_key, bucket, key, upload_id, store_mark(request))
        return {"key": key, "uploadId": handle, "bucket": bucket}

    @get("/multipart/{upload_id:str}/{part_number:int}", name="uppy_sign_part", summary="Presign one part")
    async def sign_part(
        self,
        request: AnyRequest,
        upload_id: FromPath[str],
        part_number: FromPath[int],
        key: FromQuery[str],
    ) -> dict[str, Any]:
        storage = storage_of(request)
        bucket, real_id = unseal(storage.settings.secret_key, upload_id, check_key(key), store_mark(request))
        allow(request, "write", bucket, key)
        most = most_parts_within(upload_size_cap(request))
        if own_upload_cap(request) is not None and part_number > most:
            raise BadRequest(f"An upload within your size cap has at most {most} parts.")
        seconds = default_lifetime(request)
        url = storage.presign_part(bucket, key, real_id, check_part_number(part_number), seconds)
        presigned(request, "PUT", bucket, key, seconds, parts=str(part_number))
        return {"url": url, "expires": seconds}

    @get("/multipart/{upload_id:str}", name="uppy_list_parts", summary="Parts uploaded so far (resuming)")
    async def list_parts(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        upload_id: FromPath[str],
        key: FromQuery[str],
    ) -> list[dict[str, Any]]:
        bucket, real_id = unseal(storage.settings.secret_key, upload_id, check_key(key), store_mark(request))
        allow(request, "write", bucket, key)
        parts = await storage.list_parts(bucket, key, real_id)
        return [{"PartNumber": p.number, "ETag": p.etag, "Size": p.size} for p in parts]

    @post(
        "/multipart/{upload_id:str}/complete",
        name="uppy_complete",
        status_code=200,
        summary="Complete",
        guards=[json_bodies_only],
    )
    async def complete(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        upload_id: FromPath[str],
        key: FromQuery[str],
        data: JSONBody[UppyComplete],
    ) -> dict[str, str]:
        bucket, real_id = unseal(storage.settings.secret_key, upload_id, check_key(key), store_mark(request))
        parts = check_parts([(p.PartNumber, p.ETag) for p in data.parts])
        allow(request, "write", bucket, key)
        with audited(request, "upload.complete", bucket=bucket, key=key, parts=len(parts)):
            await complete_within_cap(request, storage, bucket, key, real_id)
            await storage.complete_multipart(bucket, key, real_id, parts)
        return {"location": storage.object_url(bucket, key), "key": key, "bucket": bucket}

    @delete("/multipart/{upload_id:str}", name="uppy_abort", status_code=200, summary="Abort a multipart upload")
    async def abort(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        upload_id: FromPath[str],
        key: FromQuery[str],
    ) -> dict[str, str]:
        bucket, real_id = unseal(storage.settings.secret_key, upload_id, check_key(key), store_mark(request))
        allow(request, "write", bucket, key)
        with audited(request, "upload.abort", bucket=bucket, key=key):
            await storage.abort_multipart(bucket, key, real_id)
        return {}

"""The one adapter over boto3: typed results in, gateway errors out, blocking calls kept off the event loop.

Two clients: `api` talks to the store at S3_ENDPOINT_URL; `signer` only presigns, for the address browsers use
(S3_PUBLIC_ENDPOINT_URL). SigV4 signs the host, so a URL cannot be rewritten to another address after signing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio.to_thread
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from gateway.errors import (
    AccessDenied,
    BadRequest,
    Conflict,
    GatewayError,
    NotFound,
    StoreError,
    StoreUnavailable,
    Unsupported,
)
from gateway.explorer import is_under, last_segment
from gateway.metrics import PRESIGNED_GET, PRESIGNED_POST, PRESIGNED_PUT, watch_store_calls
from gateway.models import (
    Bucket,
    DeleteReport,
    Folder,
    KeyCount,
    Listing,
    ObjectDetails,
    ObjectEntry,
    ObjectVersion,
    Part,
    PendingUpload,
    PostPolicy,
    TransferReport,
)
from gateway.settings import Settings
from gateway.sigv4 import FastPresigner

T = TypeVar("T")
DELETE_BATCH = 1000  # DeleteObjects' own limit
VERSIONS_LISTED = 5000  # ListObjectVersions lists by prefix: a key that prefixes many others stops here
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HEAD_CONCURRENCY = 8  # below botocore's default pool of 10 connections
COUNTED = 1000  # keys counted before a confirmation says "more than": one ListObjectsV2 call
TRANSFER_PAGE = 200  # keys copied per request of a copy or move: a few seconds at most, so progress keeps moving
# One CopyObject up to S3's 5 GiB limit, which keeps metadata and tags exactly; UploadPartCopy in 1 GiB parts above.
COPY = TransferConfig(multipart_threshold=5 * 1024**3, multipart_chunksize=1024**3)
# What a copy in parts must carry over by itself (CopyObject keeps these on its own).
CARRIED = (
    "ContentType",
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
    "Metadata",
)
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


def make_client(
    settings: Settings,
    endpoint_url: str | None,
    *,
    attempts: int = 2,
    timeout: float | None = None,
    session: boto3.session.Session | None = None,
) -> Any:
    """A boto3 S3 client that non-AWS stores accept: SigV4, chosen addressing, checksums only when required."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": settings.addressing_style},
        connect_timeout=timeout or settings.connect_timeout,
        read_timeout=timeout or settings.read_timeout,
        retries={"max_attempts": attempts, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = session or boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=settings.region, config=config)


class S3Storage:
    """Everything the gateway asks of the store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = boto3.session.Session()
        self.api = make_client(settings, settings.endpoint_url, session=self.session)
        self.signer = make_client(settings, settings.public_endpoint_url or settings.endpoint_url, session=self.session)
        self.prober = make_client(settings, settings.endpoint_url, attempts=1, timeout=2.0, session=self.session)
        self.fast = FastPresigner(self.signer, self.frozen_credentials)
        for client in (self.api, self.prober):
            watch_store_calls(client)

    def close(self) -> None:
        for client in (self.api, self.signer, self.prober):
            client.close()

    async def _run(self, fn: Callable[[], T], bucket: str = "", key: str = "") -> T:
        def guarded() -> T:
            with translated(bucket, key, self.settings.endpoint_url):
                return fn()

        return await anyio.to_thread.run_sync(guarded)

    def frozen_credentials(self) -> Any:
        """The current credentials (refreshed first when they are temporary and about to expire)."""
        credentials = self.session.get_credentials()
        if credentials is None:
            raise StoreUnavailable("No credentials for the store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        return credentials.get_frozen_credentials()

    def credentials_are_temporary(self) -> bool:
        """Signed with a session token (STS, SSO, an instance role): URLs die with those credentials."""
        return bool(self.frozen_credentials().token)

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers within about two seconds."""
        await self._run(self.prober.list_buckets)

    async def list_buckets(self) -> list[Bucket]:
        answer = await self._run(self.api.list_buckets)
        return [Bucket(name=b["Name"], created=b.get("CreationDate")) for b in answer.get("Buckets", [])]

    async def create_bucket(self, bucket: str) -> None:
        """Create `bucket`; refuse one that exists (us-east-1 answers 200 to re-creating your own bucket)."""
        try:
            await self._run(partial(self.api.head_bucket, Bucket=bucket), bucket)
        except NotFound:
            pass
        else:
            raise Conflict(f"Bucket {bucket!r} already exists.")
        params: dict[str, Any] = {"Bucket": bucket}
        if self.settings.region and self.settings.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.settings.region}
        await self._run(partial(self.api.create_bucket, **params), bucket)

    async def delete_bucket(self, bucket: str) -> None:
        """Delete an empty bucket. Emptiness is checked here, objects and versions alike, not left to the store:
        SeaweedFS deletes a bucket with everything in it unless told otherwise (-s3.allowDeleteBucketNotEmpty)."""

        def work() -> None:
            if self.api.list_objects_v2(Bucket=bucket, MaxKeys=1).get("Contents"):
                raise Conflict(f"Bucket {bucket!r} is not empty: delete its objects first.")
            try:
                versions = self.api.list_object_versions(Bucket=bucket, MaxKeys=1)
            except ClientError as exc:  # a store without versioning has no versions to keep
                if from_client_error(exc, bucket, "").status_code == 404:
                    raise
            else:
                if versions.get("Versions") or versions.get("DeleteMarkers"):
                    raise Conflict(f"Bucket {bucket!r} still holds old versions or delete markers: delete them first.")
            self.api.delete_bucket(Bucket=bucket)

        await self._run(work, bucket)

    async def list_page(self, bucket: str, prefix: str, token: str | None = None, *, flat: bool = False) -> Listing:
        """One page of `prefix`, split at '/' unless `flat`: never more than page_size entries per call."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": self.settings.page_size}
        if not flat:
            params["Delimiter"] = "/"
        if token:
            params["ContinuationToken"] = token
        answer = await self._run(partial(self.api.list_objects_v2, **params), bucket)
        return self._listing(bucket, prefix, answer)

    @staticmethod
    def _listing(bucket: str, prefix: str, answer: dict[str, Any]) -> Listing:
        folders = [Folder(prefix=p["Prefix"], name=last_segment(p["Prefix"])) for p in answer.get("CommonPrefixes", [])]
        objects = [
            ObjectEntry(key=o["Key"], name=last_segment(o["Key"]), size=o["Size"], modified=o.get("LastModified"))
            for o in answer.get("Contents", [])
            if o["Key"] != prefix  # the folder's own marker object is the folder, not a row in it
        ]
        next_token = answer.get("NextContinuationToken") if answer.get("IsTruncated") else None
        return Listing(bucket=bucket, prefix=prefix, folders=folders, objects=objects, next_token=next_token)

    def walk_pages(self, bucket: str, prefix: str, *, flat: bool = False) -> Iterator[Listing]:
        """Every page of `prefix`, one at a time, for batch work (the export) outside the event loop."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "PaginationConfig": {"PageSize": 1000}}
        if not flat:
            params["Delimiter"] = "/"
        with translated(bucket, "", self.settings.endpoint_url):
            for answer in self.api.get_paginator("list_objects_v2").paginate(**params):
                yield self._listing(bucket, prefix, answer)

    def put_file(self, bucket: str, key: str, path: Path, content_type: str) -> None:
        with translated(bucket, key, self.settings.endpoint_url), path.open("rb") as body:
            self.api.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    async def head(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        params = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        return await self._run(partial(self.api.head_object, **params), bucket, key)

    async def details(self, bucket: str, key: str) -> ObjectDetails:
        """HEAD, tags and versions of one object, in one trip off the event loop."""

        def work() -> ObjectDetails:
            head = self.api.head_object(Bucket=bucket, Key=key)
            try:
                tags = {t["Key"]: t["Value"] for t in self.api.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
            except ClientError as exc:
                if from_client_error(exc, bucket, key).status_code not in (400, 403, 404, 501, 502):
                    raise
                tags = None  # a store without tagging (or without our right to read them) still has details
            try:
                status = self.api.get_bucket_versioning(Bucket=bucket).get("Status")
            except ClientError as exc:  # a store without versioning: details without versions
                if not isinstance(from_client_error(exc, bucket, key), Unsupported):
                    raise
                status = None
            return ObjectDetails(
                key=key,
                size=head["ContentLength"],
                etag=head.get("ETag", "").strip('"'),
                content_type=head.get("ContentType", ""),
                modified=head.get("LastModified"),
                storage_class=head.get("StorageClass", "STANDARD"),
                cache_control=head.get("CacheControl"),
                content_disposition=head.get("ContentDisposition"),
                metadata=head.get("Metadata", {}),
                tags=tags,
                versioning=status,
                versions=self._versions(bucket, key) if status else [],
            )

        return await self._run(work, bucket, key)

    def _versions(self, bucket: str, key: str) -> list[ObjectVersion]:
        """The key's versions and delete markers, newest first (ListObjectVersions lists by prefix: keep only `key`)."""
        found = []
        pages = self.api.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=key, PaginationConfig={"MaxItems": VERSIONS_LISTED}
        )
        for page in pages:
            for v in page.get("Versions", []):
                if v["Key"] == key:
                    found.append(
                        ObjectVersion(v["VersionId"], v.get("Size"), v.get("LastModified"), v["IsLatest"], False)
                    )
            for m in page.get("DeleteMarkers", []):
                if m["Key"] == key:
                    found.append(ObjectVersion(m["VersionId"], None, m.get("LastModified"), m["IsLatest"], True))
        return sorted(found, key=lambda v: (v.modified or EPOCH, v.latest), reverse=True)

    async def _rules(self, bucket: str, fetch: Callable[..., Any], field: str, missing: str) -> list[dict[str, Any]]:
        """A bucket configuration's list of rules; none when the bucket has no such configuration (error `missing`)."""

        def work() -> list[dict[str, Any]]:
            try:
                return list(fetch(Bucket=bucket)[field])
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == missing:
                    return []
                raise

        return await self._run(work, bucket)

    async def cors_rules(self, bucket: str) -> list[dict[str, Any]]:
        return await self._rules(bucket, self.api.get_bucket_cors, "CORSRules", "NoSuchCORSConfiguration")

    async def set_cors_rules(self, bucket: str, rules: list[dict[str, Any]]) -> None:
        config = {"CORSRules": rules}
        await self._run(partial(self.api.put_bucket_cors, Bucket=bucket, CORSConfiguration=config), bucket)

    async def lifecycle_rules(self, bucket: str) -> list[dict[str, Any]]:
        fetch = self.api.get_bucket_lifecycle_configuration
        return await self._rules(bucket, fetch, "Rules", "NoSuchLifecycleConfiguration")

    async def set_lifecycle_rules(self, bucket: str, rules: list[dict[str, Any]]) -> None:
        config = {"Rules": rules}
        await self._run(
            partial(self.api.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration=config), bucket
        )

    async def restore_version(self, bucket: str, key: str, version_id: str) -> None:
        """Make an old version the current one by copying it over the key (a new version; history is kept)."""
        await self._run(lambda: self._copy(bucket, key, bucket, key, version_id), bucket, key)

    async def edit(self, bucket: str, key: str, headers: dict[str, str], metadata: dict[str, str]) -> None:
        """Replace the object's headers and user metadata by copying it onto itself (an emptied header is removed);
        the caller sets the tags again."""
        attributes = {**headers, "Metadata": metadata}
        await self._run(lambda: self._copy(bucket, key, bucket, key, attributes=attributes), bucket, key)

    def _copy(
        self,
        bucket: str,
        key: str,
        target: str,
        target_key: str,
        version_id: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        """Copy one object (or one version of it) by the store, with its headers, user metadata and tags.

        Up to COPY's threshold (5 GiB) one CopyObject keeps them all exactly. Above it the copy goes in parts
        (UploadPartCopy), which carries nothing by itself, so they are read from the source and given explicitly.
        `attributes` replace some of them (an edit), which also needs them given explicitly."""
        source = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        head = self.api.head_object(**source)
        if attributes is None and head["ContentLength"] <= COPY.multipart_threshold:
            self.api.copy_object(CopySource=source, Bucket=target, Key=target_key)
            return
        kept = {name: head[name] for name in CARRIED if head.get(name)} | {"Metadata": head.get("Metadata", {})}
        kept |= attributes or {}
        extra: dict[str, Any] = {name: value for name, value in kept.items() if value or name == "Metadata"}
        extra["MetadataDirective"] = "REPLACE"
        if attributes is None and (tags := self._tags(source)):
            extra |= {"Tagging": urlencode(tags), "TaggingDirective": "REPLACE"}
        self.api.copy(source, target, target_key, ExtraArgs=extra, Config=COPY)

    def _tags(self, source: dict[str, str]) -> dict[str, str]:
        """An object's tags; none where the store keeps no tags."""
        try:
            return {t["Key"]: t["Value"] for t in self.api.get_object_tagging(**source)["TagSet"]}
        except ClientError as exc:
            if isinstance(from_client_error(exc, source["Bucket"], source["Key"]), Unsupported):
                return {}
            raise

    async def set_tags(self, bucket: str, key: str, tags: dict[str, str]) -> None:
        """Replace the tags; no tags is DeleteObjectTagging, as S3 means it (an empty PutObjectTagging trips moto)."""
        if not tags:
            await self._run(partial(self.api.delete_object_tagging, Bucket=bucket, Key=key), bucket, key)
            return
        tag_set = {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}
        await self._run(partial(self.api.put_object_tagging, Bucket=bucket, Key=key, Tagging=tag_set), bucket, key)

    async def delete_version(self, bucket: str, key: str, version_id: str) -> None:
        """Delete one version (or delete marker) for good: unlike a plain delete, this cannot be undone."""
        await self._run(partial(self.api.delete_object, Bucket=bucket, Key=key, VersionId=version_id), bucket, key)

    async def existing(self, bucket: str, keys: list[str]) -> set[str]:
        """Which of `keys` already hold an object: HEADs in parallel, in one trip off the event loop, so a
        1,000-file folder upload does not wait for 1,000 round trips in a row."""

        def present(key: str) -> bool:
            try:
                self.api.head_object(Bucket=bucket, Key=key)
            except ClientError as exc:
                if from_client_error(exc, bucket, key).status_code == 404:
                    return False
                raise
            return True

        def work() -> set[str]:
            with ThreadPoolExecutor(max_workers=HEAD_CONCURRENCY) as pool:
                return {key for key, found in zip(keys, pool.map(present, keys), strict=True) if found}

        return await self._run(work, bucket)

    async def put_empty(self, bucket: str, key: str) -> None:
        await self._run(partial(self.api.put_object, Bucket=bucket, Key=key, Body=b""), bucket, key)

    async def count_under(self, bucket: str, folder: str) -> KeyCount:
        """How many keys a recursive operation on `folder` would reach, counted with one listing of COUNTED keys at
        most: the confirmation says "more than 1,000" rather than walk a folder of millions for each visitor."""
        if not folder.endswith("/"):
            raise BadRequest("A recursive operation needs a folder prefix ending in '/'.")
        params = {"Bucket": bucket, "Prefix": folder, "MaxKeys": COUNTED}
        answer = await self._run(partial(self.api.list_objects_v2, **params), bucket)
        keys = [o["Key"] for o in answer.get("Contents", []) if is_under(o["Key"], folder)]
        return KeyCount(len(keys), bool(answer.get("IsTruncated")))

    async def delete_keys(self, bucket: str, keys: list[str]) -> DeleteReport:
        return await self._run(lambda: self._delete_batch(bucket, keys), bucket)

    async def delete_folder(self, bucket: str, folder: str) -> DeleteReport:
        """Delete every key under `folder`, a page at a time; the report lists any key that remains."""

        def work() -> DeleteReport:
            deleted, failed = 0, []
            for page in self._pages_under(bucket, folder):
                report = self._delete_batch(bucket, page)
                deleted += report.deleted
                failed += report.failed
            return DeleteReport(deleted=deleted, failed=failed)

        return await self._run(work, bucket)

    def presign_get(
        self,
        bucket: str,
        key: str,
        disposition: str | None = None,
        expires: int | None = None,
        version_id: str | None = None,
        content_type: str | None = None,
    ) -> str:
        """A GET URL; `disposition` and `content_type` set the headers the store answers with."""
        params = [("response-content-disposition", disposition)] if disposition else []
        if content_type:
            params.append(("response-content-type", content_type))
        if version_id:
            params.append(("versionId", version_id))
        PRESIGNED_GET.inc()
        return self.fast.url("GET", bucket, key, expires or self.settings.url_expires, params)

    def presign_put(
        self,
        bucket: str,
        key: str,
        content_type: str | None = None,
        expires: int | None = None,
        size: int | None = None,
    ) -> str:
        """A PUT URL; with `content_type` or `size`, it only accepts that exact Content-Type or Content-Length."""
        PRESIGNED_PUT.inc()
        seconds = expires or self.settings.url_expires
        return self.fast.url("PUT", bucket, key, seconds, content_type=content_type, content_length=size)

    def presign_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: int,
        expires: int | None = None,
        size: int | None = None,
    ) -> str:
        """An UploadPart URL that signs the host, and the part's length when `size` is given: never a Content-Type,
        since browsers send a Blob slice with none."""
        params = [("uploadId", upload_id), ("partNumber", str(part_number))]
        PRESIGNED_PUT.inc()
        return self.fast.url("PUT", bucket, key, expires or self.settings.url_expires, params, content_length=size)

    def presign_post(self, bucket: str, key: str, policy: PostPolicy, expires: int) -> dict[str, Any]:
        """A form upload. boto3 adds no condition for extra fields, so each field we return gets its own here."""
        fields: dict[str, str] = {"success_action_status": "201"}
        conditions: list[Any] = [
            {"success_action_status": "201"},
            ["content-length-range", policy.min_size, policy.max_size],
        ]
        if policy.content_type:
            fields["Content-Type"] = policy.content_type
            conditions.append({"Content-Type": policy.content_type})
        elif policy.content_type_prefix is not None:
            conditions.append(["starts-with", "$Content-Type", policy.content_type_prefix])
        PRESIGNED_POST.inc()
        answer: dict[str, Any] = self.signer.generate_presigned_post(
            Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires
        )
        return answer

    def object_url(self, bucket: str, key: str) -> str:
        """The object's address as browsers reach it, without a signature (what S3's Location header means)."""
        return self.fast.object_url(bucket, key)

    async def create_multipart(self, bucket: str, key: str, content_type: str | None = None) -> str:
        params = {"Bucket": bucket, "Key": key, **({"ContentType": content_type} if content_type else {})}
        answer = await self._run(partial(self.api.create_multipart_upload, **params), bucket, key)
        return str(answer["UploadId"])

    async def list_parts(self, bucket: str, key: str, upload_id: str) -> list[Part]:
        """Every part uploaded so far, across ListParts' pages of 1,000."""

        def work() -> list[Part]:
            pages = self.api.get_paginator("list_parts").paginate(Bucket=bucket, Key=key, UploadId=upload_id)
            return [
                Part(number=p["PartNumber"], etag=p["ETag"], size=p["Size"])
                for page in pages
                for p in page.get("Parts", [])
            ]

        return await self._run(work, bucket, key)

    async def complete_multipart(self, bucket: str, key: str, upload_id: str, parts: list[tuple[int, str]]) -> str:
        """Complete with ETags quoted as S3 wants them, whether the client kept the quotes or not."""
        listed = [{"PartNumber": n, "ETag": '"' + etag.strip().strip('"') + '"'} for n, etag in sorted(parts)]
        answer = await self._run(
            partial(
                self.api.complete_multipart_upload,
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": listed},
            ),
            bucket,
            key,
        )
        return str(answer.get("ETag", ""))

    async def abort_multipart(self, bucket: str, key: str, upload_id: str) -> None:
        await self._run(
            partial(self.api.abort_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id), bucket, key
        )

    async def pending_uploads(self, bucket: str, prefix: str, limit: int = 1000) -> list[PendingUpload]:
        """Incomplete multipart uploads under `prefix`: they cost storage until aborted."""

        def work() -> list[PendingUpload]:
            paginator = self.api.get_paginator("list_multipart_uploads")
            found = []
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for u in page.get("Uploads", []):
                    found.append(PendingUpload(key=u["Key"], upload_id=u["UploadId"], initiated=u.get("Initiated")))
                    if len(found) >= limit:
                        return found
            return found

        return await self._run(work, bucket)

    async def transfer_object(self, source: str, key: str, target: str, target_key: str, *, move: bool) -> None:
        """Copy (or move, or rename) one object server-side; a move deletes the source only once the copy is there."""

        def work() -> None:
            try:
                self.api.head_bucket(Bucket=target)  # a missing target is named as such, not as the source
            except ClientError as exc:
                error = from_client_error(exc, target, "")
                raise NotFound(f"Bucket {target!r} does not exist.") if error.status_code == 404 else error from exc
            self._copy(source, key, target, target_key)
            if move:
                self.api.delete_object(Bucket=source, Key=key)

        await self._run(work, source, key)

    async def transfer_page(
        self, source: str, folder: str, target: str, target_folder: str, *, move: bool, token: str | None = None
    ) -> TransferReport:
        """Copy (or move) one page of `folder` to `target_folder`, server-side, several keys at a time. A source is
        deleted only after its own copy arrived. The caller asks for the next page with `next_token`, so a prefix of
        any size goes page by page, and the browser can show progress without the gateway keeping any state."""

        def copy_one(key: str) -> str | None:
            try:
                self._copy(source, key, target, target_folder + key[len(folder) :])
            except ClientError as exc:  # the source was just listed: a missing bucket is the target
                return from_client_error(exc, target, key).message
            except BotoCoreError as exc:
                return str(exc)
            return None

        def work() -> TransferReport:
            params: dict[str, Any] = {"Bucket": source, "Prefix": folder, "MaxKeys": TRANSFER_PAGE}
            if token:
                params["ContinuationToken"] = token
            answer = self.api.list_objects_v2(**params)
            keys = [o["Key"] for o in answer.get("Contents", []) if o["Key"].startswith(folder)]
            with ThreadPoolExecutor(max_workers=HEAD_CONCURRENCY) as pool:
                reasons = list(pool.map(copy_one, keys))
            arrived = [key for key, reason in zip(keys, reasons, strict=True) if reason is None]
            failed = [(key, reason) for key, reason in zip(keys, reasons, strict=True) if reason is not None]
            removed = self._delete_batch(source, arrived) if move and arrived else DeleteReport(0, [])
            next_token = answer.get("NextContinuationToken") if answer.get("IsTruncated") else None
            return TransferReport(len(arrived), failed, removed.deleted, removed.failed, next_token)

        return await self._run(work, source)

    def _pages_under(self, bucket: str, folder: str) -> Iterator[list[str]]:
        if not folder.endswith("/"):
            raise BadRequest("A recursive operation needs a folder prefix ending in '/'.")
        paginator = self.api.get_paginator("list_objects_v2")
        for answer in paginator.paginate(Bucket=bucket, Prefix=folder, PaginationConfig={"PageSize": DELETE_BATCH}):
            # The store already filtered by prefix; checking again costs nothing and guards against a store bug.
            yield [o["Key"] for o in answer.get("Contents", []) if is_under(o["Key"], folder)]

    def _delete_batch(self, bucket: str, keys: list[str]) -> DeleteReport:
        deleted, failed = 0, []
        for start in range(0, len(keys), DELETE_BATCH):
            chunk = keys[start : start + DELETE_BATCH]
            answer = self.api.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
            )
            errors = [(e["Key"], e.get("Message") or e.get("Code", "refused")) for e in answer.get("Errors", [])]
            deleted += len(chunk) - len(errors)
            failed += errors
        return DeleteReport(deleted=deleted, failed=failed)


@contextmanager
def translated(bucket: str, key: str, endpoint: str | None) -> Iterator[None]:
    """Turn boto3's exceptions into gateway errors with a sentence a user can act on."""
    try:
        yield
    except GatewayError:
        raise
    except ClientError as exc:
        raise from_client_error(exc, bucket, key) from exc
    except UNREACHABLE as exc:
        raise StoreUnavailable(f"The store at {endpoint or 'AWS'} did not answer: {exc}") from exc
    except NoCredentialsError as exc:
        raise StoreUnavailable(
            "No credentials for the store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        ) from exc
    except BotoCoreError as exc:
        raise StoreError(f"The request to the store failed: {exc}") from exc


def from_client_error(exc: ClientError, bucket: str, key: str) -> GatewayError:
    """Map the store's error code to the status that tells the truth."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    detail = error.get("Message") or code
    if code == "NoSuchBucket":
        return NotFound(f"Bucket {bucket!r} does not exist.")
    if code in {"NoSuchKey", "404", "NotFound"}:
        return NotFound(f"There is no object {key!r} in bucket {bucket!r}." if key else f"Not found in {bucket!r}.")
    if code in {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}:
        return AccessDenied(f"The store refused access to {bucket or 'the buckets'}: {detail}")
    if code == "NoSuchUpload":
        return NotFound(f"There is no multipart upload in progress for {key!r} with that upload id.")
    if code in {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "EntityTooLarge", "MalformedXML"}:
        return BadRequest(f"The store refused to assemble the upload ({code}): {detail}")
    if code == "BucketNotEmpty":
        return Conflict(f"Bucket {bucket!r} is not empty: delete its objects first.")
    if code in {"BucketAlreadyExists", "BucketAlreadyOwnedByYou"}:
        return Conflict(f"Bucket {bucket!r} already exists.")
    if code in {"InvalidBucketName", "KeyTooLongError", "InvalidArgument"}:
        return BadRequest(f"The store rejected the request: {detail}")
    if code in {"NotImplemented", "501", "MethodNotAllowed", "405"}:
        return Unsupported(f"This store does not support that ({code}).")
    if code in {"SlowDown", "ServiceUnavailable", "503", "InternalError", "500"}:
        return StoreUnavailable(f"The store is unavailable right now ({code}): {detail}")
    return StoreError(f"The store answered {code}: {detail}")

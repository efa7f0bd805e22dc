"""Objects: details, tags, versions, uploads the gateway makes itself (folders, exported pages), and deletes."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from gateway.errors import Conflict, NotFound
from gateway.models import DeleteReport, ObjectDetails, ObjectVersion
from gateway.s3.errors import from_client_error, translated
from gateway.s3.listing import DELETE_BATCH, Listings

VERSIONS_LISTED = 5000  # ListObjectVersions lists by prefix: a key that prefixes many others stops here
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Objects(Listings):
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
            status = self.versioning_status(bucket, key)
            return ObjectDetails(
                key=key,
                size=head["ContentLength"],
                etag=head.get("ETag", "").strip('"'),
                content_type=head.get("ContentType", ""),
                modified=head.get("LastModified"),
                storage_class=head.get("StorageClass", "STANDARD"),
                cache_control=head.get("CacheControl"),
                content_disposition=head.get("ContentDisposition"),
                lock_mode=head.get("ObjectLockMode"),
                lock_until=head.get("ObjectLockRetainUntilDate"),
                legal_hold=head.get("ObjectLockLegalHoldStatus"),
                restore=head.get("Restore"),
                encryption=encryption_of(head),
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

    async def set_tags(self, bucket: str, key: str, tags: dict[str, str]) -> None:
        """Replace the tags; no tags is DeleteObjectTagging, as S3 means it (an empty PutObjectTagging trips moto)."""
        if not tags:
            await self._run(partial(self.api.delete_object_tagging, Bucket=bucket, Key=key), bucket, key)
            return
        await self._run(partial(self._put_tags, bucket, key, tags), bucket, key)

    def _put_tags(self, bucket: str, key: str, tags: dict[str, str]) -> None:
        tag_set = {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}
        self.api.put_object_tagging(Bucket=bucket, Key=key, Tagging=tag_set)

    async def delete_version(self, bucket: str, key: str, version_id: str) -> None:
        """Delete one version (or delete marker) for good: unlike a plain delete, this cannot be undone."""
        await self._run(partial(self.api.delete_object, Bucket=bucket, Key=key, VersionId=version_id), bucket, key)

    async def set_retention(self, bucket: str, key: str, mode: str, until: datetime, bypass: bool) -> None:
        """Retain the object until `until` in `mode`; `bypass` shortens or lifts a GOVERNANCE retention (the store
        still refuses to shorten a COMPLIANCE one, whoever asks)."""
        retention = {"Mode": mode, "RetainUntilDate": until}
        call = partial(
            self.api.put_object_retention, Bucket=bucket, Key=key, Retention=retention,
            BypassGovernanceRetention=bypass,
        )  # fmt: skip
        await self._run(call, bucket, key)

    async def set_legal_hold(self, bucket: str, key: str, on: bool) -> None:
        hold = {"Status": "ON" if on else "OFF"}
        await self._run(partial(self.api.put_object_legal_hold, Bucket=bucket, Key=key, LegalHold=hold), bucket, key)

    async def undelete(self, bucket: str, key: str, marker_id: str) -> None:
        """Bring a deleted object back by removing its delete marker, once sure `marker_id` is the key's newest
        entry and a marker: this route must never remove a real version."""

        def work() -> None:
            answer = self.api.list_object_versions(Bucket=bucket, Prefix=key, MaxKeys=VERSIONS_LISTED)
            newest = next((m for m in answer.get("DeleteMarkers", []) if m["Key"] == key and m.get("IsLatest")), None)
            if newest is None or str(newest.get("VersionId") or "null") != marker_id:
                raise Conflict(f"{key} is not deleted (or was deleted again since): nothing to bring back.")
            self.api.delete_object(Bucket=bucket, Key=key, VersionId=marker_id)

        await self._run(work, bucket, key)

    async def existing(self, bucket: str, keys: list[str]) -> set[str]:
        """Which of `keys` already hold an object."""
        return {key for key, head in (await self.heads(bucket, keys)).items() if head is not None}

    async def heads(self, bucket: str, keys: list[str]) -> dict[str, dict[str, Any] | None]:
        """Each key's HEAD answer, None where there is no object: HEADs in parallel, in one trip off the event
        loop, so a 1,000-file folder upload does not wait for 1,000 round trips in a row."""

        def head(key: str) -> dict[str, Any] | None:
            try:
                answer: dict[str, Any] = self.api.head_object(Bucket=bucket, Key=key)
            except ClientError as exc:
                if from_client_error(exc, bucket, key).status_code == 404:
                    return None
                raise
            return answer

        def work() -> dict[str, dict[str, Any] | None]:
            return dict(zip(keys, self.pool.map(head, keys), strict=True))

        return await self._run(work, bucket)

    def write(self, bucket: str, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        """Store `body` at `key` (the gateway's own writes: audit batches, the demo's files). Blocking."""
        with translated(bucket, key, self.where):
            self.api.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    async def put(self, bucket: str, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        await self._run(partial(self.write, bucket, key, body, content_type), bucket, key)

    async def read(self, bucket: str, key: str) -> bytes | None:
        """The object's bytes, or None when there is none: for the gateway's own small records, never for users'."""

        def work() -> bytes | None:
            try:
                body: bytes = self.api.get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError as exc:
                if from_client_error(exc, bucket, key).status_code == 404:
                    return None
                raise
            return body

        return await self._run(work, bucket, key)

    async def exists(self, bucket: str, key: str) -> bool:
        try:
            await self.head(bucket, key)
        except NotFound:
            return False
        return True

    async def remove(self, bucket: str, key: str) -> None:
        await self._run(partial(self.api.delete_object, Bucket=bucket, Key=key), bucket, key)

    async def put_empty(self, bucket: str, key: str) -> None:
        await self._run(partial(self.api.put_object, Bucket=bucket, Key=key, Body=b""), bucket, key)

    def put_file(self, bucket: str, key: str, path: Path, content_type: str) -> None:
        with translated(bucket, key, self.where), path.open("rb") as body:
            self.api.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

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


def encryption_of(answer: dict[str, Any]) -> str:
    """The encryption an answer (HEAD, or a bucket's default) names, in words."""
    algorithm = str(answer.get("ServerSideEncryption") or answer.get("SSEAlgorithm") or "")
    key = answer.get("SSEKMSKeyId") or answer.get("KMSMasterKeyID")
    if algorithm == "AES256":
        return "AES256 (SSE-S3, keys the store manages)"
    return f"{algorithm}, key {key}" if algorithm and key else algorithm

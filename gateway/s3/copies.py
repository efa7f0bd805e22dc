"""Copies made by the store itself: copy, move and rename, version restores, and edits (a copy onto itself)."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from gateway.errors import NotFound, Unsupported
from gateway.models import DeleteReport, TransferReport
from gateway.s3.errors import error_code, from_client_error
from gateway.s3.objects import Objects

TRANSFER_PAGE = 200  # keys copied per request of a copy or move: a few seconds at most, so progress keeps moving
# One CopyObject up to S3's 5 GiB limit, which keeps metadata and tags exactly; UploadPartCopy in 1 GiB parts above.
COPY = TransferConfig(multipart_threshold=5 * 1024**3, multipart_chunksize=1024**3)
# What a copy in parts must carry over by itself (CopyObject keeps these on its own).
CARRIED = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires")


class Copies(Objects):
    async def restore_version(self, bucket: str, key: str, version_id: str) -> None:
        """Make an old version the current one by copying it over the key (a new version; history is kept).

        LocalStack refuses that copy as one "onto itself without changing anything" (S3 and the other stores take
        it); given the version's own headers, metadata and tags again (REPLACE), it takes it."""

        def work() -> None:
            try:
                self._copy(bucket, key, bucket, key, version_id)
            except ClientError as exc:
                if error_code(exc) != "InvalidRequest":
                    raise
                self._copy(bucket, key, bucket, key, version_id, attributes={})

        await self._run(work, bucket, key)

    async def edit(self, bucket: str, key: str, headers: dict[str, str], metadata: dict[str, str]) -> None:
        """Replace the object's headers and user metadata by copying it onto itself (an emptied header is removed);
        the caller sets the tags again."""
        attributes = {**headers, "Metadata": metadata}
        await self._run(
            lambda: self._copy(bucket, key, bucket, key, attributes=attributes, keep_tags=False), bucket, key
        )

    async def change_class(self, bucket: str, key: str, storage_class: str) -> None:
        """Move the object to another storage class: a copy onto itself (in parts above 5 GiB), headers, metadata
        and tags kept."""
        attributes = {"StorageClass": storage_class}
        await self._run(lambda: self._copy(bucket, key, bucket, key, attributes=attributes), bucket, key)

    async def restore_archived(self, bucket: str, key: str, days: int, tier: str) -> None:
        """Ask the store for a temporary readable copy of an archived object, for `days`, at `tier`'s speed."""
        request = {"Days": days, "GlacierJobParameters": {"Tier": tier}}
        call = partial(self.api.restore_object, Bucket=bucket, Key=key, RestoreRequest=request)
        await self._run(call, bucket, key)

    def _copy(
        self,
        bucket: str,
        key: str,
        target: str,
        target_key: str,
        version_id: str | None = None,
        attributes: dict[str, Any] | None = None,
        keep_tags: bool = True,
    ) -> None:
        """Copy one object (or one version of it) by the store, with its headers, user metadata and tags.

        Up to COPY's threshold (5 GiB) one CopyObject keeps them all exactly. Above it the copy goes in parts
        (UploadPartCopy), which carries nothing by itself, so they are read from the source and given explicitly.
        `attributes` replace some of them (an edit, whose caller sets the tags: `keep_tags=False`), which also needs
        them given explicitly.

        A store that drops tags on a copy (s3rver, which also ignores any given with it, and counts none in HEAD)
        has them read and set on the copy after it arrives (S3M_COPY_TAGS_AGAIN), one more call per object."""
        source = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
        head = self.api.head_object(**source)
        if attributes is None and head["ContentLength"] <= COPY.multipart_threshold:
            self.api.copy_object(CopySource=source, Bucket=target, Key=target_key)
            if self.settings.copy_tags_again and (kept_tags := self._tags(source)):
                self._put_tags(target, target_key, kept_tags)
            return
        kept = {name: head[name] for name in CARRIED if head.get(name)} | {"Metadata": head.get("Metadata", {})}
        kept |= attributes or {}
        extra: dict[str, Any] = {name: value for name, value in kept.items() if value or name == "Metadata"}
        extra["MetadataDirective"] = "REPLACE"
        if keep_tags and (kept_tags := self._tags(source)):
            extra |= {"Tagging": urlencode(kept_tags), "TaggingDirective": "REPLACE"}
        self.api.copy(source, target, target_key, ExtraArgs=extra, Config=COPY)

    def _tags(self, source: dict[str, str]) -> dict[str, str]:
        """An object's tags; none where the store keeps no tags."""
        try:
            return {t["Key"]: t["Value"] for t in self.api.get_object_tagging(**source)["TagSet"]}
        except ClientError as exc:
            if isinstance(from_client_error(exc, source["Bucket"], source["Key"]), Unsupported):
                return {}
            raise

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
            reasons = list(self.pool.map(copy_one, keys))
            arrived = [key for key, reason in zip(keys, reasons, strict=True) if reason is None]
            failed = [(key, reason) for key, reason in zip(keys, reasons, strict=True) if reason is not None]
            removed = self._delete_batch(source, arrived) if move and arrived else DeleteReport(0, [])
            next_token = answer.get("NextContinuationToken") if answer.get("IsTruncated") else None
            return TransferReport(len(arrived), failed, removed.deleted, removed.failed, next_token)

        return await self._run(work, source)

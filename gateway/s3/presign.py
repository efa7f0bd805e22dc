"""Presigned URLs: GET, PUT and parts by the fast signer (gateway/s3/sigv4.py), POST policies by botocore."""

from __future__ import annotations

from typing import Any

from gateway.models import PostPolicy
from gateway.observability.metrics import PRESIGNED_GET, PRESIGNED_POST, PRESIGNED_PUT
from gateway.s3.client import Store


class Presigning(Store):
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
        outcome = {"success_action_redirect": policy.redirect} if policy.redirect else {"success_action_status": "201"}
        fields: dict[str, str] = dict(outcome)
        conditions: list[Any] = [outcome, ["content-length-range", policy.min_size, policy.max_size]]
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

"""Multipart uploads: started, listed, completed and aborted by the gateway; their parts go from the browser."""

from __future__ import annotations

from functools import partial

from gateway.models import Part, PendingUpload
from gateway.s3.client import Store


class Multipart(Store):
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

"""Listing a prefix: one page at a time for the pages and the API, every page for batch work, and counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from gateway.errors import BadRequest, Unsupported
from gateway.models import Folder, KeyCount, Listing, ObjectEntry, VersionsPage
from gateway.rules.keys import is_under, last_segment
from gateway.s3.client import Store
from gateway.s3.errors import from_client_error, translated

COUNTED = 1000  # keys counted before a confirmation says "more than": one ListObjectsV2 call
DELETE_BATCH = 1000  # DeleteObjects' own limit, and the page size of recursive work
WALKED_PAGE = 1000  # keys per page of a walk through a prefix (the export): the most one ListObjectsV2 call gives


class Listings(Store):
    async def list_page(
        self, bucket: str, prefix: str, token: str | None = None, *, flat: bool = False, size: int | None = None
    ) -> Listing:
        """One page of `prefix`, split at '/' unless `flat`: `size` entries at most (page_size unless given)."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": size or self.settings.page_size}
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
            ObjectEntry(
                key=o["Key"],
                name=last_segment(o["Key"]),
                size=o["Size"],
                modified=o.get("LastModified"),
                storage_class=o.get("StorageClass", "STANDARD"),
            )
            for o in answer.get("Contents", [])
            if o["Key"] != prefix  # the folder's own marker object is the folder, not a row in it
        ]
        next_token = answer.get("NextContinuationToken") if answer.get("IsTruncated") else None
        return Listing(bucket=bucket, prefix=prefix, folders=folders, objects=objects, next_token=next_token)

    async def versioning(self, bucket: str) -> str | None:
        """The bucket's versioning: "Enabled", "Suspended", or None where it was never turned on (or the store has
        none)."""
        return await self._run(partial(self.versioning_status, bucket), bucket)

    def versioning_status(self, bucket: str, key: str = "") -> str | None:
        try:
            status: str | None = self.api.get_bucket_versioning(Bucket=bucket).get("Status")
        except ClientError as exc:  # a store without versioning: nothing is versioned
            if not isinstance(from_client_error(exc, bucket, key), Unsupported):
                raise
            return None
        return status

    async def versions_page(
        self, bucket: str, prefix: str, token: str | None = None, *, flat: bool = True, size: int = 1000
    ) -> VersionsPage:
        """One page of every version below `prefix` (split at '/' unless `flat`). S3 goes on from two markers, a key
        and a version id: the token carries both, as one string."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": size}
        if not flat:
            params["Delimiter"] = "/"
        if token:
            params["KeyMarker"], version_marker = version_markers(token)
            if version_marker:  # none after a key whose versions all came (and "" is refused by some stores)
                params["VersionIdMarker"] = version_marker
        answer = await self._run(partial(self.api.list_object_versions, **params), bucket)

        def entry(item: dict[str, Any]) -> ObjectEntry:
            key = item["Key"]
            return ObjectEntry(key, last_segment(key), item.get("Size", 0), item.get("LastModified"))

        versions = [v for v in answer.get("Versions", []) if v["Key"] != prefix]
        next_token = None
        if answer.get("IsTruncated"):
            next_token = json.dumps([answer.get("NextKeyMarker", ""), answer.get("NextVersionIdMarker", "")])
        return VersionsPage(
            current=[entry(v) for v in versions if v.get("IsLatest")],
            noncurrent=[entry(v) for v in versions if not v.get("IsLatest")],
            delete_markers=[entry(m) for m in answer.get("DeleteMarkers", []) if m["Key"] != prefix],
            next_token=next_token,
        )

    def walk_pages(self, bucket: str, prefix: str, *, flat: bool = False) -> Iterator[Listing]:
        """Every page of `prefix`, one at a time, for batch work (the export) outside the event loop."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "PaginationConfig": {"PageSize": WALKED_PAGE}}
        if not flat:
            params["Delimiter"] = "/"
        with translated(bucket, "", self.settings.endpoint_url):
            for answer in self.api.get_paginator("list_objects_v2").paginate(**params):
                yield self._listing(bucket, prefix, answer)

    async def count_under(self, bucket: str, folder: str) -> KeyCount:
        """How many keys a recursive operation on `folder` would reach, counted with one listing of COUNTED keys at
        most: the confirmation says "more than 1,000" rather than walk a folder of millions for each visitor."""
        if not folder.endswith("/"):
            raise BadRequest("A recursive operation needs a folder prefix ending in '/'.")
        params = {"Bucket": bucket, "Prefix": folder, "MaxKeys": COUNTED}
        answer = await self._run(partial(self.api.list_objects_v2, **params), bucket)
        keys = [o["Key"] for o in answer.get("Contents", []) if is_under(o["Key"], folder)]
        return KeyCount(len(keys), bool(answer.get("IsTruncated")))

    def _pages_under(self, bucket: str, folder: str) -> Iterator[list[str]]:
        if not folder.endswith("/"):
            raise BadRequest("A recursive operation needs a folder prefix ending in '/'.")
        paginator = self.api.get_paginator("list_objects_v2")
        for answer in paginator.paginate(Bucket=bucket, Prefix=folder, PaginationConfig={"PageSize": DELETE_BATCH}):
            # The store already filtered by prefix; checking again costs nothing and guards against a store bug.
            yield [o["Key"] for o in answer.get("Contents", []) if is_under(o["Key"], folder)]


def version_markers(token: str) -> tuple[str, str]:
    """The key and version id a versions_page token carries; a token this gateway did not give is refused in words."""
    try:
        key, version = json.loads(token)
    except (ValueError, TypeError):
        raise BadRequest("This continuation token is not one the gateway gave: start the listing again.") from None
    if not isinstance(key, str) or not isinstance(version, str):
        raise BadRequest("This continuation token is not one the gateway gave: start the listing again.")
    return key, version

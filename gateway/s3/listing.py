"""Listing a prefix: one page at a time for the pages and the API, every page for batch work, and counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from gateway.errors import BadRequest, Unsupported
from gateway.models import Folder, FolderVersions, KeyCount, KeyVersion, Listing, ObjectEntry, VersionsPage
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

    async def folder_versions(self, bucket: str, prefix: str, token: str | None = None) -> FolderVersions:
        """One page of a folder's versions and delete markers (its subfolders apart), for the listing's "show
        versions": each key's rows together, the newest first, as S3 orders them within a key."""
        params: dict[str, Any] = {
            "Bucket": bucket,
            "Prefix": prefix,
            "Delimiter": "/",
            "MaxKeys": self.settings.page_size,
        }
        if token:
            params["KeyMarker"], version_marker = version_markers(token)
            if version_marker:
                params["VersionIdMarker"] = version_marker
        answer = await self._run(partial(self.api.list_object_versions, **params), bucket)

        def row(item: dict[str, Any], marker: bool) -> KeyVersion:
            key = item["Key"]
            modified = item.get("LastModified")
            return KeyVersion(
                key, last_segment(key), str(item.get("VersionId") or "null"), item.get("Size", 0), modified,
                bool(item.get("IsLatest")), marker,
            )  # fmt: skip

        rows = [row(v, False) for v in answer.get("Versions", [])] + [
            row(m, True) for m in answer.get("DeleteMarkers", [])
        ]
        newest = datetime.min.replace(tzinfo=UTC)
        rows.sort(key=lambda r: (r.key, not r.latest, -(r.modified or newest).timestamp()))
        next_token = None
        if answer.get("IsTruncated"):
            next_token = json.dumps([answer.get("NextKeyMarker", ""), answer.get("NextVersionIdMarker", "")])
        folders = [Folder(prefix=p["Prefix"], name=last_segment(p["Prefix"])) for p in answer.get("CommonPrefixes", [])]
        versions = [r for r in rows if r.key != prefix]
        return FolderVersions(bucket=bucket, prefix=prefix, folders=folders, versions=versions, next_token=next_token)

    def walk_pages(self, bucket: str, prefix: str, *, flat: bool = False) -> Iterator[Listing]:
        """Every page of `prefix`, one at a time, for batch work (the export) outside the event loop."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "PaginationConfig": {"PageSize": WALKED_PAGE}}
        if not flat:
            params["Delimiter"] = "/"
        with translated(bucket, "", self.where):
            for answer in self.api.get_paginator("list_objects_v2").paginate(**params):
                yield self._listing(bucket, prefix, answer)

    def walk_ranges(self, bucket: str, prefix: str, pieces: int) -> list[Iterator[Listing]]:
        """The flat walk of `prefix` cut at its top folders into `pieces` consecutive ranges at most, to be listed
        side by side and read one after the other. One delimiter call finds the folders (among its first 1,000
        entries; a longer tail stays in the last range), and each range costs one call more than its share of keys,
        so the cut never multiplies the calls as a walk per folder would."""
        if pieces < 2:
            return [self.walk_pages(bucket, prefix, flat=True)]
        with translated(bucket, "", self.where):
            answer = self.api.list_objects_v2(Bucket=bucket, Prefix=prefix, Delimiter="/", MaxKeys=WALKED_PAGE)
        entries = [p["Prefix"] for p in answer.get("CommonPrefixes", [])]
        entries = sorted(entries + [o["Key"] for o in answer.get("Contents", []) if o["Key"] != prefix])
        seen = len(entries) - 1 if answer.get("IsTruncated") else len(entries)  # the last may have unseen kin
        places = [i for i in cuttable(entries, prefix) if 0 < i < seen]
        cuts = [places[len(places) * n // pieces] for n in range(1, pieces)] if places else []
        ranges: list[tuple[str | None, str | None]] = [(None, None)]  # (start after, first) of each range
        for i in sorted(set(cuts)):
            before = entries[i - 1]  # a file, or a folder whose keys all sort before this string:
            ranges.append((before + "\U0010ffff" if before.endswith("/") else before, entries[i]))
        ends = [first for _, first in ranges[1:]] + [None]
        return [
            self._walk_range(bucket, prefix, after, first, end)
            for (after, first), end in zip(ranges, ends, strict=True)
        ]

    def _walk_range(
        self, bucket: str, prefix: str, after: str | None, first: str | None, end: str | None
    ) -> Iterator[Listing]:
        """The flat walk's pages from the folder `first` (None: the beginning) to before the folder `end`, asked
        from the key `after`: keys the store gives before `first` belong to the range before, and are dropped."""
        params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "PaginationConfig": {"PageSize": WALKED_PAGE}}
        if after:
            params["StartAfter"] = after
        with translated(bucket, "", self.where):
            for answer in self.api.get_paginator("list_objects_v2").paginate(**params):
                page = self._listing(bucket, prefix, answer)
                kept = [o for o in page.objects if (not first or o.key >= first) and (not end or o.key < end)]
                yield replace(page, objects=kept)
                contents = answer.get("Contents", [])
                if end and contents and contents[-1]["Key"] >= end:  # the next range's keys have begun
                    return

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


def cuttable(entries: list[str], prefix: str) -> list[int]:
    """The folders among one level's sorted files and folders (`entries`, below `prefix`) that have the same
    neighbours whichever order a store lists keys in: the order of their bytes (AWS, Ceph, moto) or a tree walk
    (SeaweedFS, s3rver: each folder's names sorted, so 'a/...' comes before 'a-x/...'). The orders part only where
    a folder's name and another name are one the other plus a character that sorts before '/' ('a' and 'a-x',
    'a.d', 'a.txt'), so a range is never cut at such a folder."""
    names = [entry[len(prefix) :].removesuffix("/") for entry in entries]
    folders = {name for name, entry in zip(names, entries, strict=True) if entry.endswith("/")}
    return [
        i
        for i, name in enumerate(names)
        if entries[i].endswith("/")
        and not (i and names[i - 1].startswith(name) and names[i - 1] != name)  # such kin sort just before it
        and not any(name[k] < "/" and name[:k] in folders for k in range(len(name)))
    ]


def version_markers(token: str) -> tuple[str, str]:
    """The key and version id a versions_page token carries; a token this gateway did not give is refused in words."""
    try:
        key, version = json.loads(token)
    except (ValueError, TypeError):
        raise BadRequest("This continuation token is not one the gateway gave: start the listing again.") from None
    if not isinstance(key, str) or not isinstance(version, str):
        raise BadRequest("This continuation token is not one the gateway gave: start the listing again.")
    return key, version

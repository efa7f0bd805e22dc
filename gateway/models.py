"""The typed data that templates receive, instead of raw boto3 dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    created: datetime | None


@dataclass(frozen=True, slots=True)
class Folder:
    """A common prefix: `prefix` ends with '/', `name` is its last segment (which may be empty)."""

    prefix: str
    name: str


@dataclass(frozen=True, slots=True)
class ObjectEntry:
    key: str
    name: str
    size: int
    modified: datetime | None
    storage_class: str = "STANDARD"
    """Shown beside the name when it is not STANDARD: an archived object cannot be read until restored."""


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a prefix: its folders and objects, and the token for the next page (None on the last)."""

    bucket: str
    prefix: str
    folders: list[Folder]
    objects: list[ObjectEntry]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class KeyVersion:
    """One version of a key, or a delete marker, as a row of a folder's versions."""

    key: str
    name: str
    version_id: str
    size: int
    modified: datetime | None
    latest: bool
    delete_marker: bool


@dataclass(frozen=True, slots=True)
class FolderVersions:
    """One page of a folder's versions: its subfolders, then each key's versions and delete markers, newest first."""

    bucket: str
    prefix: str
    folders: list[Folder]
    versions: list[KeyVersion]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class VersionsPage:
    """One page of ListObjectVersions below a prefix, each kind apart: the current version of each key, the older
    versions a versioned bucket keeps (and bills), and the delete markers (size 0)."""

    current: list[ObjectEntry]
    noncurrent: list[ObjectEntry]
    delete_markers: list[ObjectEntry]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class Breadcrumb:
    """One step of the path to a location: `prefix` is where clicking it leads."""

    name: str
    prefix: str


@dataclass(frozen=True, slots=True)
class DeleteReport:
    """What a delete did: how many keys went, and which remain with the store's reason."""

    deleted: int
    failed: list[tuple[str, str]]

    @classmethod
    def combined(cls, reports: list[DeleteReport]) -> DeleteReport:
        """Several deletes (keys, then each folder) told as one."""
        return cls(sum(r.deleted for r in reports), [pair for r in reports for pair in r.failed])

    def audit_fields(self) -> dict[str, Any]:
        """For the audit event: a delete that left keys behind is "partial", and names every key that remains."""
        if not self.failed:
            return {"deleted": self.deleted}
        return {"deleted": self.deleted, "outcome": "partial", "remaining": [key for key, _ in self.failed]}


@dataclass(frozen=True, slots=True)
class KeyCount:
    """How many keys a folder holds, counted up to a limit: `more` says the count stopped there."""

    count: int
    more: bool

    def __str__(self) -> str:
        return f"more than {self.count:,}" if self.more else f"{self.count:,}"


@dataclass(frozen=True, slots=True)
class Part:
    """One uploaded part of a multipart upload, as ListParts reports it."""

    number: int
    etag: str
    size: int


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A multipart upload that was started and neither completed nor aborted."""

    key: str
    upload_id: str
    initiated: datetime | None


@dataclass(frozen=True, slots=True)
class PostPolicy:
    """What a form upload may carry: a size range, and an exact Content-Type or a prefix of one."""

    max_size: int
    min_size: int = 0
    content_type: str | None = None
    content_type_prefix: str | None = None
    redirect: str | None = None
    """Where the store sends the browser after the upload (a plain form's way back), instead of answering 201."""


@dataclass(frozen=True, slots=True)
class ObjectVersion:
    """One version of a key, or a delete marker, in a versioned bucket."""

    version_id: str
    size: int | None
    modified: datetime | None
    latest: bool
    delete_marker: bool


@dataclass(frozen=True, slots=True)
class ObjectDetails:
    """What the details panel shows: the object's headers, its user metadata and tags, and its versions."""

    key: str
    size: int
    etag: str
    content_type: str
    modified: datetime | None
    storage_class: str
    cache_control: str | None
    content_disposition: str | None
    lock_mode: str | None
    """Object lock: "GOVERNANCE" or "COMPLIANCE" while retained, with `lock_until`; legal_hold "ON" or "OFF"."""
    lock_until: datetime | None
    legal_hold: str | None
    restore: str | None
    """An archived object's restore, as the store says it: 'ongoing-request="true"', or "false" with its expiry."""
    encryption: str
    """How the store encrypts it at rest, in words: "AES256 (SSE-S3)", "aws:kms, key K", or "" where it says nothing."""
    metadata: dict[str, str]
    tags: dict[str, str] | None  # None when the store does not keep tags
    versioning: str | None  # "Enabled", "Suspended", or None when never turned on
    versions: list[ObjectVersion]


@dataclass(frozen=True, slots=True)
class TransferReport:
    """One page of a copy or move: what arrived, what did not (with the store's reason), and where to go on."""

    copied: int
    failed: list[tuple[str, str]]
    deleted: int  # sources removed after their copy arrived (a move)
    not_deleted: list[tuple[str, str]]
    next_token: str | None

"""The typed data that templates receive, instead of raw boto3 dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a prefix: its folders and objects, and the token for the next page (None on the last)."""

    bucket: str
    prefix: str
    folders: list[Folder]
    objects: list[ObjectEntry]
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

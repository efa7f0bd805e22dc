"""Request and response bodies of the JSON API: what the OpenAPI schema documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class BucketInfo:
    name: str
    created: datetime | None


@dataclass
class BucketList:
    buckets: list[BucketInfo]


@dataclass
class ObjectInfo:
    key: str
    size: int
    modified: datetime | None


@dataclass
class ObjectList:
    bucket: str
    prefix: str
    folders: list[str]
    """Common prefixes (each ending in '/'); empty for a flat listing."""
    objects: list[ObjectInfo]
    next_token: str | None
    """Pass as `token` for the next page; null on the last page."""


@dataclass
class PresignGet:
    key: str
    expires: int | None = None
    """Lifetime in seconds; the configured default when absent, refused above the configured maximum."""
    filename: str | None = None
    """The name the browser saves the download under (default: the key's last segment)."""
    inline: bool = False
    """Ask the browser to display rather than save (Content-Disposition: inline). HTML, SVG and XML objects are
    still saved, unless the gateway's S3M_INLINE_MARKUP allows them."""


@dataclass
class PresignPut:
    key: str
    content_type: str | None = None
    """When given, the upload must send exactly this Content-Type header (it is signed)."""
    content_length: int | None = None
    """The upload's size in bytes, signed as its Content-Length. Required from a caller with a size cap."""
    expires: int | None = None


@dataclass
class PresignPost:
    key: str | None = None
    """The exact key; or give key_prefix to let the form's file name complete it."""
    key_prefix: str | None = None
    """Keys must start with this; the returned key field is `<key_prefix>${filename}`."""
    content_type: str | None = None
    """Exact Content-Type the form must carry (returned as a field)."""
    content_type_prefix: str | None = None
    """Or: the Content-Type the form carries must start with this, e.g. 'image/'."""
    max_size: int | None = None
    """Largest accepted body in bytes (content-length-range); default and cap: the configured maximum."""
    min_size: int = 0
    expires: int | None = None


@dataclass
class PresignedUrl:
    method: str
    url: str
    headers: dict[str, str]
    """Headers the request must send, because they are signed."""
    expires_in: int
    expires_at: datetime


@dataclass
class PresignedPost:
    method: str
    url: str
    fields: dict[str, str]
    """Form fields to send, in this order, before the `file` field (which must come last)."""
    expires_in: int
    expires_at: datetime


@dataclass
class CreateMultipart:
    key: str
    content_type: str | None = None


@dataclass
class MultipartUpload:
    bucket: str
    key: str
    upload_id: str


@dataclass
class PartUrls:
    urls: dict[str, str]
    """Part number -> presigned UploadPart URL (PUT the part's bytes, read the ETag response header)."""
    expires_in: int


@dataclass
class PartInfo:
    part_number: int
    etag: str
    size: int


@dataclass
class PartList:
    parts: list[PartInfo]


@dataclass
class CompletedPart:
    part_number: int
    etag: str
    """With or without the surrounding quotes: the gateway quotes it as S3 wants."""


@dataclass
class CompleteMultipart:
    parts: list[CompletedPart] = field(default_factory=list)


@dataclass
class CompletedUpload:
    bucket: str
    key: str
    etag: str
    location: str


@dataclass
class PendingUploadInfo:
    key: str
    upload_id: str
    initiated: datetime | None


@dataclass
class PendingUploadList:
    uploads: list[PendingUploadInfo]


@dataclass
class AbortReport:
    aborted: int
    failed: list[dict[str, str]]
    """{key, upload_id, reason} for each upload that could not be aborted."""

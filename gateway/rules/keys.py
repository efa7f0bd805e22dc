"""Pure rules for bucket names, keys and prefixes: no I/O, no web framework.

Keys are opaque strings to S3: '//' inside a key, a leading '/', '+', '%' and unicode are all legitimate and
must survive every round trip, so nothing here normalises a key. Folders are prefixes ending in '/', which is
what makes `a/b/` never match `a/bc/...`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from gateway.errors import BadRequest
from gateway.models import Breadcrumb

MAX_KEY_BYTES = 1024
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_bucket_name(name: str) -> str:
    """Accept S3's bucket naming rules (3 to 63 lowercase letters, digits, dots and hyphens)."""
    if not BUCKET_NAME.match(name) or ".." in name:
        raise BadRequest(
            f"{name!r} is not a valid bucket name: use 3 to 63 lowercase letters, digits, dots and hyphens, "
            "starting and ending with a letter or digit."
        )
    return name


def check_key(key: str) -> str:
    """Accept any non-empty key of at most 1,024 UTF-8 bytes, exactly as given."""
    if not key:
        raise BadRequest("The object key is empty.")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise BadRequest(f"The key is longer than S3's limit of {MAX_KEY_BYTES} bytes.")
    return key


def check_prefix(prefix: str) -> str:
    """Accept an empty prefix (the bucket's root) or any string a key could start with."""
    if len(prefix.encode("utf-8")) > MAX_KEY_BYTES:
        raise BadRequest(f"The prefix is longer than S3's limit of {MAX_KEY_BYTES} bytes.")
    return prefix


def folder_prefix(prefix: str) -> str:
    """The folder a prefix names: with a trailing '/', so deleting `a/b` cannot reach `a/bc`."""
    check_prefix(prefix)
    if not prefix:
        raise BadRequest("Choose a folder: the bucket's root is not a folder that can be deleted.")
    return prefix if prefix.endswith("/") else prefix + "/"


def new_folder_key(parent: str, name: str) -> str:
    """The zero-byte marker key of folder `name` inside `parent`."""
    if not name or "/" in name.strip("/"):
        raise BadRequest("A folder name must be non-empty and may not contain '/'.")
    return check_key(parent + name.strip("/") + "/")


def renamed(source: str, name: str) -> str:
    """The key (or folder prefix, for a source ending in '/') that `source` becomes when given the new `name` in
    the same folder."""
    if not name or "/" in name:
        raise BadRequest("A new name must be non-empty and may not contain '/'.")
    folder = source.endswith("/")
    return check_key(parent_of(source) + name + ("/" if folder else ""))


def folder_of(prefix: str) -> str:
    """The folder part of a location: `a/b/` stays, the search prefix `a/b/rep` becomes `a/b/`."""
    cut = prefix.rfind("/")
    return prefix[: cut + 1]


def parent_of(prefix: str) -> str:
    """The folder that contains folder `prefix` (`a/b/` -> `a/`; `a/` -> the root '')."""
    return folder_of(prefix[:-1]) if prefix.endswith("/") else folder_of(prefix)


def last_segment(path: str) -> str:
    """The display name of a key or folder: the text after the last '/', one trailing '/' set aside."""
    body = path[:-1] if path.endswith("/") else path
    return body.rpartition("/")[2]


def breadcrumbs(prefix: str) -> list[Breadcrumb]:
    """Each folder on the way to `prefix`, root excluded. Empty segments (from '//') are real folders too."""
    crumbs = []
    start = 0
    while (cut := prefix.find("/", start)) != -1:
        crumbs.append(Breadcrumb(name=prefix[start:cut], prefix=prefix[: cut + 1]))
        start = cut + 1
    return crumbs


def is_under(key: str, folder: str) -> bool:
    """True when `key` lies inside `folder` (which ends with '/'): the guard of every recursive operation."""
    return folder.endswith("/") and key.startswith(folder)


def content_disposition(key: str, disposition: str = "attachment") -> str:
    """A Content-Disposition that keeps non-ASCII file names (RFC 6266 filename*), with an ASCII fallback."""
    name = last_segment(key) or "download"
    # Only printable ASCII in the quoted fallback: no CR or LF (a header split), no quote or backslash.
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def parse_s3_url(url: str) -> tuple[str, str]:
    """'s3://bucket/some/prefix' -> ('bucket', 'some/prefix/'): a prefix is always a folder (export, audit)."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise BadRequest(f"Expected s3://BUCKET[/PREFIX], not {url!r}.")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix if not prefix or prefix.endswith("/") else prefix + "/"

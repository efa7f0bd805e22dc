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


def human_size(size: int) -> str:
    """Sizes as people read them: 999 B, 1.0 KiB, 12.3 MiB."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


MAX_PARTS = 10_000  # S3's limit on the parts of one multipart upload
MAX_SIGNED_AT_ONCE = 1000


def check_expires(requested: int | None, default: int, maximum: int) -> int:
    """A URL lifetime in seconds: the default when not asked, refused above the configured maximum."""
    if requested is None:
        return default
    if not 1 <= requested <= maximum:
        raise BadRequest(f"expires must be between 1 and {maximum} seconds, not {requested}.")
    return requested


def check_part_number(number: int) -> int:
    if not 1 <= number <= MAX_PARTS:
        raise BadRequest(f"Part numbers run from 1 to {MAX_PARTS}, not {number}.")
    return number


def parse_part_numbers(text: str) -> list[int]:
    """'1,2,5-8' -> [1, 2, 5, 6, 7, 8]: part numbers for a batch of URLs, at most 1,000 of them."""
    numbers: set[int] = set()
    try:
        for item in filter(None, (piece.strip() for piece in text.split(","))):
            first, _, last = item.partition("-")
            low, high = int(first), int(last or first)
            if high - low >= MAX_SIGNED_AT_ONCE or high < low:
                raise BadRequest(f"The part range {item!r} is backwards or longer than {MAX_SIGNED_AT_ONCE}.")
            numbers.update(range(low, high + 1))
    except ValueError:
        raise BadRequest(f"parts must look like '1,2,5-8', not {text!r}.") from None
    if not 1 <= len(numbers) <= MAX_SIGNED_AT_ONCE:
        raise BadRequest(f"Ask for 1 to {MAX_SIGNED_AT_ONCE} part numbers at a time.")
    return [check_part_number(n) for n in sorted(numbers)]


MIN_PART_SIZE = 5 * 1024**2  # S3's smallest part, but for the last


def check_size(size: int | None, cap: int, own_cap: int | None) -> int | None:
    """The size an upload declares (then signed as its Content-Length): required when the caller has a cap of its
    own, so no upload path escapes it; never above the cap."""
    if size is None:
        if own_cap is not None:
            raise BadRequest(f"Your uploads may be at most {own_cap} bytes: give each upload's size.")
        return None
    if not 0 <= size <= cap:
        raise BadRequest(f"An upload may be at most {cap} bytes, not {size}.")
    return size


def part_length(number: int, part_size: int, total: int) -> int:
    """The length of part `number` of a `total`-byte upload cut in `part_size` parts; BadRequest past the last."""
    if part_size < 1 or (number - 1) * part_size >= max(total, 1):
        raise BadRequest(f"Part {number} lies beyond the end of a {total}-byte upload in parts of {part_size} bytes.")
    return min(part_size, total - (number - 1) * part_size)


def most_parts_within(cap: int) -> int:
    """The most parts an upload under `cap` bytes can have: every part but the last holds at least 5 MiB."""
    return min(MAX_PARTS, cap // MIN_PART_SIZE + 1)


def check_parts(parts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(part number, ETag) pairs for CompleteMultipartUpload: at least one, each number once and in range."""
    numbers = [check_part_number(number) for number, _ in parts]
    if not numbers or len(set(numbers)) != len(numbers):
        raise BadRequest("List each uploaded part once, with its part number and ETag.")
    return parts


def parse_s3_url(url: str) -> tuple[str, str]:
    """'s3://bucket/some/prefix' -> ('bucket', 'some/prefix/'): a prefix is always a folder (export, audit)."""
    if not url.startswith("s3://") or not url[5:].split("/", 1)[0]:
        raise BadRequest(f"Expected s3://BUCKET[/PREFIX], not {url!r}.")
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix if not prefix or prefix.endswith("/") else prefix + "/"


TEXT_TYPES = ("application/json", "application/xml", "application/x-yaml", "application/yaml", "application/toml")
PREVIEW_TEXT_BYTES = 64 * 1024


def preview_kind(content_type: str) -> str | None:
    """How the details page may show an object, from the type the store will send: image, video, audio, pdf or text
    (read by the page as plain text). None for what could run script if rendered (HTML, SVG, XML with stylesheets,
    anything unknown): those are only downloaded. Rendering always happens on the store's origin, never ours."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "image/svg+xml":
        return None
    if kind.startswith(("image/", "video/", "audio/")):
        return kind.split("/")[0]
    if kind == "application/pdf":
        return "pdf"
    if (kind.startswith("text/") and kind not in ("text/html", "text/xml")) or kind in TEXT_TYPES:
        return "text"
    return None


MARKUP_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl")


def renders_markup(content_type: str) -> bool:
    """True for types a browser renders as a document that can run script (HTML, SVG, XML with stylesheets), and
    for no type at all, which browsers sniff. Such objects are never handed out to be shown inline: the store's
    origin may be on the gateway's site, where a page could plant cookies for it."""
    kind = content_type.split(";")[0].strip().lower()
    return not kind or kind in MARKUP_TYPES or kind.endswith("+xml")


METADATA_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
MAX_TAGS = 10  # S3's limit per object


def parse_pairs(text: str, separator: str, what: str) -> dict[str, str]:
    """`name<separator>value` lines (blank lines skipped) as a dict; BadRequest naming the line that is wrong."""
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, found, value = line.partition(separator)
        if not found or not name.strip():
            raise BadRequest(f"{what}, line {number}: write it as name{separator}value.")
        pairs[name.strip()] = value.strip()
    return pairs


def check_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """User metadata S3 will keep as given: header-token names (lower-cased, as S3 returns them), ASCII values."""
    checked = {}
    for name, value in metadata.items():
        if not METADATA_NAME.fullmatch(name):
            raise BadRequest(f"Metadata name {name!r} may hold only letters, digits and !#$%&'*+.^_`|~-.")
        if not value.isascii() or not value.isprintable():
            raise BadRequest(f"Metadata {name!r}: S3 keeps only printable ASCII values.")
        checked[name.lower()] = value
    return checked


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise BadRequest(f"An object has at most {MAX_TAGS} tags, not {len(tags)}.")
    for name, value in tags.items():
        if len(name) > 128 or len(value) > 256:
            raise BadRequest(f"Tag {name!r}: keys have at most 128 characters and values 256.")
    return tags

"""What a caller may ask for: URL lifetimes, upload sizes, and the part numbers of a multipart upload."""

from __future__ import annotations

from gateway.errors import BadRequest

MAX_FILES_PER_REQUEST = 1000  # presigned PUTs the explorer asks for at once
MAX_PARTS = 10_000  # S3's limit on the parts of one multipart upload
MAX_SIGNED_AT_ONCE = 1000
MAX_SELECTED_KEYS = 10_000  # rows deleted by one form: ten of S3's DeleteObjects calls
MAX_SELECTED_FOLDERS = 100  # each is counted before the confirmation, and walked to be deleted
ZIP_MEMORY_LIMIT = 1024**3  # the largest zip a browser builds in memory, where it cannot write a file as it goes


def whole_number(text: str, low: int, high: int) -> int | None:
    """A count typed into a form (days, versions to keep): the number if it is ASCII digits from low to high, else
    None, for the caller to say what it wanted."""
    return int(text) if text.isascii() and text.isdigit() and low <= int(text) <= high else None


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

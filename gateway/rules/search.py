"""What a search matches: a key below the searched folder, by substring, glob, size and date; and how its matches
are sorted. S3 has no search and lists keys in one order only, so every one of these is done here, on the keys a scan
lists (gateway/controllers/scans.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from fnmatch import translate
from typing import Any

from gateway.errors import BadRequest
from gateway.models import ObjectEntry

MAX_PATTERN = 1024  # as long as a key may be


@dataclass(frozen=True, slots=True)
class Search:
    """The filters of one search; those left empty match everything. Names and globs apply to the key below the
    searched folder, so `*.pdf` finds PDFs at any depth and `2026-*/report*` reports in any 2026 folder."""

    text: str = ""
    glob: str = ""
    min_size: int | None = None
    max_size: int | None = None
    after: datetime | None = None
    before: datetime | None = None

    def matcher(self, folder: str) -> Matcher:
        return Matcher(self, folder)


class Matcher:
    """A Search compiled once for a scan: the glob as a regular expression, the text folded for case."""

    __slots__ = ("glob", "search", "start", "text")

    def __init__(self, search: Search, folder: str) -> None:
        self.search, self.start = search, len(folder)
        self.text = search.text.casefold()
        self.glob = re.compile(translate(search.glob)).match if search.glob else None

    def __call__(self, entry: ObjectEntry) -> bool:
        search, below = self.search, entry.key[self.start :]
        if self.text and self.text not in below.casefold():
            return False
        if self.glob and not self.glob(below):
            return False
        if search.min_size is not None and entry.size < search.min_size:
            return False
        if search.max_size is not None and entry.size > search.max_size:
            return False
        if search.after and (entry.modified is None or entry.modified < search.after):
            return False
        return not (search.before and (entry.modified is None or entry.modified >= search.before))


def parse_search(
    text: str = "", glob: str = "", min_size: str = "", max_size: str = "", after: str = "", before: str = ""
) -> Search:
    """A Search from what a form or a URL gives (all strings, empty meaning no filter), or a BadRequest that says
    which field is wrong. Sizes are bytes, with an optional K, M, G or T (powers of 1024); dates are days (UTC), and
    `before` is exclusive: after=2026-01-01&before=2026-02-01 is January."""
    if len(text) > MAX_PATTERN or len(glob) > MAX_PATTERN:
        raise BadRequest(f"A search text or glob is at most {MAX_PATTERN} characters.")
    return Search(
        text=text,
        glob=glob,
        min_size=_size("min_size", min_size),
        max_size=_size("max_size", max_size),
        after=_day("after", after),
        before=_day("before", before),
    )


UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
SIZE = re.compile(r"\s*(\d{1,16})\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def _size(field: str, raw: str) -> int | None:
    if not raw.strip():
        return None
    found = SIZE.fullmatch(raw)
    if found is None:
        raise BadRequest(f"{field} is a size in bytes, like 1048576 or 1M, not {raw[:40]!r}.")
    return int(found[1]) * UNITS[found[2].lower()]


def _day(field: str, raw: str) -> datetime | None:
    if not raw.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(raw.strip()), time(), UTC)
    except ValueError:
        raise BadRequest(f"{field} is a day, like 2026-01-31, not {raw[:40]!r}.") from None


EPOCH = datetime.min.replace(tzinfo=UTC)  # where a key without a date sorts
SORT_KEYS: dict[str, Callable[[ObjectEntry], Any]] = {
    "name": lambda entry: entry.key,
    "size": lambda entry: (entry.size, entry.key),
    "modified": lambda entry: (entry.modified or EPOCH, entry.key),
}


@dataclass(frozen=True, slots=True)
class Order:
    """How a scan's matches are sorted: by name, size or modified, or the reverse ("-size": largest first)."""

    field: str
    descending: bool

    def sort(self, entries: list[ObjectEntry]) -> None:
        entries.sort(key=SORT_KEYS[self.field], reverse=self.descending)


def parse_sort(raw: str) -> Order | None:
    """An Order from a `sort` parameter, or None for the store's own order (by name, as listed), which needs no
    sorting: the matches can be shown as they come."""
    field = raw.strip().removeprefix("-")
    if field not in SORT_KEYS and raw.strip():
        sorts = ", ".join(SORT_KEYS)
        raise BadRequest(f"sort is one of {sorts}, or one of them after '-' for the reverse, not {raw[:40]!r}.")
    if not raw.strip() or raw.strip() == "name":
        return None
    return Order(field, raw.strip().startswith("-"))

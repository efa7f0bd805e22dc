"""User metadata and tags as people type them (`name: value`, `key=value` lines), checked as S3 keeps them."""

from __future__ import annotations

import re

from gateway.errors import BadRequest

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

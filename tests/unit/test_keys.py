"""The pure rules for names, keys and prefixes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import BadRequest
from gateway.rules.keys import (
    breadcrumbs,
    check_bucket_name,
    check_key,
    content_disposition,
    folder_of,
    folder_prefix,
    is_under,
    last_segment,
    new_folder_key,
    parent_of,
)
from gateway.rules.limits import check_parts, parse_part_numbers, whole_number
from gateway.rules.previews import preview_kind
from gateway.templating import human_size


@pytest.mark.parametrize("name", ["abc", "my-bucket.logs", "a" * 63, "0-9"])
def test_valid_bucket_names_pass(name: str) -> None:
    assert check_bucket_name(name) == name


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper", "under_score", "-start", "end-", "two..dots", "sp ace", ""])
def test_invalid_bucket_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(BadRequest, match="3 to 63 lowercase"):
        check_bucket_name(name)


def test_keys_are_kept_exactly_as_given() -> None:
    for key in ["a//b", "/lead", "sp ace+plus%20#?", "ünï/日本", "<script>", "x" * 1024]:
        assert check_key(key) == key


def test_keys_over_1024_bytes_or_empty_are_refused() -> None:
    with pytest.raises(BadRequest, match="1024 bytes"):
        check_key("é" * 513)  # 1,026 bytes in UTF-8, though only 513 characters
    with pytest.raises(BadRequest, match="empty"):
        check_key("")


def test_folder_prefix_is_bounded_by_a_slash() -> None:
    assert folder_prefix("a/b") == "a/b/"
    assert folder_prefix("a/b/") == "a/b/"
    assert is_under("a/b/c", folder_prefix("a/b"))
    assert not is_under("a/bc/d", folder_prefix("a/b"))
    assert not is_under("a/bc/d", "a/b")  # a prefix without '/' is never treated as a folder
    with pytest.raises(BadRequest):
        folder_prefix("")


def test_breadcrumbs_keep_empty_segments() -> None:
    assert [(c.name, c.prefix) for c in breadcrumbs("a//b/")] == [("a", "a/"), ("", "a//"), ("b", "a//b/")]
    assert [(c.name, c.prefix) for c in breadcrumbs("/x/")] == [("", "/"), ("x", "/x/")]
    assert breadcrumbs("") == []


def test_locations_and_names() -> None:
    assert folder_of("a/b/rep") == "a/b/"
    assert folder_of("a/b/") == "a/b/"
    assert folder_of("search") == ""
    assert parent_of("a/b/") == "a/"
    assert parent_of("a/") == ""
    assert parent_of("a//") == "a/"
    assert last_segment("a/b/c.txt") == "c.txt"
    assert last_segment("a/b/") == "b"
    assert last_segment("a//") == ""
    assert last_segment("/") == ""


def test_new_folder_key() -> None:
    assert new_folder_key("a/", "new") == "a/new/"
    assert new_folder_key("", "new/") == "new/"
    for bad in ["", "a/b"]:
        with pytest.raises(BadRequest):
            new_folder_key("", bad)


@given(st.text(min_size=1))
def test_content_disposition_never_carries_a_control_character(name: str) -> None:
    """Issue 14, item 8: a key holding CR or LF must not split the header the store answers with."""
    header = content_disposition(f"folder/{name}")
    assert header.isascii() and header.isprintable()


def test_content_disposition_keeps_unicode_names() -> None:
    header = content_disposition("reports/Résumé 日本.pdf")
    assert header.startswith('attachment; filename="R_sum_ __.pdf"')
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC.pdf" in header
    assert content_disposition('q"uote\\.txt').startswith('attachment; filename="q_uote_.txt"')


def test_human_size() -> None:
    assert [human_size(n) for n in (0, 1023, 1024, 1536, 5 * 1024**3, 3 * 1024**5)] == [
        "0 B",
        "1023 B",
        "1.0 KiB",
        "1.5 KiB",
        "5.0 GiB",
        "3072.0 TiB",
    ]


def test_completion_parts_are_each_listed_once_and_in_range() -> None:
    assert check_parts([(2, '"b"'), (1, "a")]) == [(2, '"b"'), (1, "a")]
    for bad in ([], [(1, "a"), (1, "b")], [(0, "a")], [(10001, "a")]):
        with pytest.raises(BadRequest):
            check_parts(bad)


def test_a_count_from_a_form_is_ascii_digits_within_its_range() -> None:
    """Days and versions to keep: "²" and "٣" are digits to str.isdigit but not to int(), which raised (a 500)."""
    assert [whole_number(text, 1, 365) for text in ("1", "365", "007")] == [1, 365, 7]
    for bad in ["", "0", "366", "-1", "1.5", " 2", "²", "٣", "1e3"]:
        assert whole_number(bad, 1, 365) is None


def test_part_number_lists_expand_ranges() -> None:
    assert parse_part_numbers("1,2,5-8") == [1, 2, 5, 6, 7, 8]
    for bad in ["", "x", "5-1", "0", "1-1001", "10001"]:
        with pytest.raises(BadRequest):
            parse_part_numbers(bad)


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("image/png", "image"),
        ("image/svg+xml", None),
        ("video/mp4", "video"),
        ("audio/mpeg", "audio"),
        ("application/pdf", "pdf"),
        ("text/plain; charset=utf-8", "text"),
        ("text/csv", "text"),
        ("application/json", "text"),
        ("text/html", None),
        ("text/xml", None),
        ("application/octet-stream", None),
        ("", None),
    ],
)
def test_only_types_that_cannot_run_script_are_previewed(content_type: str, kind: str | None) -> None:
    assert preview_kind(content_type) == kind

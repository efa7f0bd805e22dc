"""Key and prefix handling over any names hypothesis can make: kept exactly, split and joined without loss."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import BadRequest
from gateway.rules.keys import MAX_KEY_BYTES, breadcrumbs, check_key, folder_of, last_segment, parent_of
from gateway.s3.listing import cuttable
from gateway.templating import with_query

# Any Unicode S3 can store: everything but lone surrogates, which are not UTF-8.
names = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
paths = st.lists(names, min_size=1, max_size=5).map("/".join)


@given(key=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=1100))
def test_a_key_is_kept_exactly_or_refused_with_a_reason(key: str) -> None:
    if key and len(key.encode()) <= MAX_KEY_BYTES:
        assert check_key(key) == key
    else:
        with pytest.raises(BadRequest):
            check_key(key)


@given(prefix=paths)
def test_breadcrumbs_rebuild_the_folder_and_name_each_segment(prefix: str) -> None:
    crumbs = breadcrumbs(prefix)
    folder = folder_of(prefix)
    assert "".join(c.name + "/" for c in crumbs) == folder
    assert all(c.prefix == folder[: len(c.prefix)] and c.prefix.endswith("/") for c in crumbs)
    assert prefix.startswith(folder) and "/" not in prefix[len(folder) :]


@given(path=paths)
def test_a_folder_is_its_parent_plus_its_name(path: str) -> None:
    folder = path + "/"
    assert parent_of(folder) + last_segment(folder) + "/" == folder


@given(prefix=names, key=paths.filter(bool))  # empty values are left out of URLs by design
def test_keys_travel_in_query_strings_unchanged(prefix: str, key: str) -> None:
    url = with_query("/b/bucket/download", {"key": key, "prefix": prefix})
    sent = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert sent["key"] == [key]
    assert sent.get("prefix", [""]) == [prefix]


# Names that begin with one another and with the characters that sort around '/': where the two orders part.
kin_names = st.text(alphabet="ab-./0", max_size=3)
kin_paths = st.lists(kin_names, min_size=1, max_size=3).map("/".join)


@given(keys=st.sets(kin_paths, min_size=1, max_size=30))
def test_a_range_is_cut_only_where_byte_order_and_tree_order_agree(keys: set[str]) -> None:
    """The keys before a cut folder are the same whether a store lists by bytes (AWS, Ceph) or as a tree walk
    (SeaweedFS, s3rver: each folder's segments sorted, 'a/...' before 'a-x/...')."""
    by_bytes, as_a_tree = sorted(keys), sorted(keys, key=lambda key: key.split("/"))
    entries = sorted({key.partition("/")[0] + ("/" if "/" in key else "") for key in keys})
    for i in cuttable(entries, ""):
        folder = entries[i]
        first_in_tree = next(n for n, key in enumerate(as_a_tree) if key.startswith(folder))
        assert {key for key in by_bytes if key < folder} == set(as_a_tree[:first_in_tree])

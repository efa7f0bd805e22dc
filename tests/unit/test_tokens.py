"""The one signed-token format: what goes in comes out, and anything else is a BadToken, never another error."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.security.tokens import BadToken, sign, unsign

SECRET = "a-secret"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@given(json_values)
def test_what_is_signed_comes_back_unchanged(data: Any) -> None:
    assert unsign(SECRET, "share", sign(SECRET, "share", data)) == data


@given(st.text())
def test_any_text_is_a_token_or_a_bad_token(text: str) -> None:
    with contextlib.suppress(BadToken):  # and nothing else escapes
        unsign(SECRET, "session", text)


# HMAC pads a short key with zero bytes, so "secret" and "secret\0" are the same key: another secret must differ
# by more than trailing NULs (hypothesis found that one).
other_secrets = st.text(min_size=1).filter(lambda more: more.strip("\0"))


@given(st.text(min_size=1), other_secrets)
def test_a_token_opens_for_its_own_purpose_and_secret_only(payload: str, other: str) -> None:
    token = sign(SECRET, "session", payload)
    with pytest.raises(BadToken):
        unsign(SECRET, "upload", token)
    with pytest.raises(BadToken):
        unsign(SECRET + other, "session", token)


@given(st.binary(min_size=1, max_size=8), st.integers(min_value=0, max_value=200))
def test_a_changed_byte_anywhere_breaks_the_signature(noise: bytes, where: int) -> None:
    token = sign(SECRET, "share", ["bucket", "key", 123])
    at = where % len(token)
    changed = token[:at] + noise.hex()[:1] + token[at + 1 :]
    if changed != token:
        with pytest.raises(BadToken):
            unsign(SECRET, "share", changed)

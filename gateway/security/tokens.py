"""Signed tokens: the one format for every credential the gateway hands out (session cookies, CSRF tokens, share
links, upload handles).

A token is `payload.signature`, both base64url without padding. The signature is an HMAC-SHA256 of the payload
under a key derived from S3M_SECRET_KEY and the token's purpose, so a token made for one purpose never opens
another. The signature is checked before the payload is read, so a malformed or forged token costs the same time
whatever it names, and anything that is not a token is a `BadToken`, never another exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from functools import lru_cache
from typing import Any

SIGNATURE_BYTES = 18  # 144 bits: far beyond guessing, and 24 characters in a URL


class BadToken(ValueError):
    """Not a token this gateway signed for this purpose (malformed, forged, or signed with another key)."""


@lru_cache(maxsize=64)
def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), b"s3m-token\0" + purpose.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise BadToken("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise BadToken("not base64url") from None


def _mac(secret: str, purpose: str, payload: str) -> bytes:
    return hmac.new(_key(secret, purpose), payload.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]


def sign(secret: str, purpose: str, data: Any) -> str:
    """A token carrying `data` (anything JSON can hold) for `purpose`."""
    payload = _b64(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_b64(_mac(secret, purpose, payload))}"


def unsign(secret: str, purpose: str, token: str) -> Any:
    """The data of a token made by `sign` with this secret and purpose; BadToken for anything else."""
    payload, dot, signature = token.partition(".")
    if not dot or not payload.isascii():
        raise BadToken("not a token")
    if not hmac.compare_digest(_unb64(signature), _mac(secret, purpose, payload)):
        raise BadToken("bad signature")
    try:
        return json.loads(_unb64(payload))
    except (UnicodeDecodeError, ValueError):  # signed by us, so this cannot happen short of a key leak
        raise BadToken("bad payload") from None


def mac(secret: str, purpose: str, value: str) -> str:
    """A short keyed digest of `value` (a CSRF token bound to a session id, a fingerprint of a password hash)."""
    return _b64(_mac(secret, purpose, value))


def masked_mac(secret: str, purpose: str, value: str) -> str:
    """`mac` under a one-time pad (pad + digest XOR pad): a new string on every page, so a compressed page that
    also echoes input leaks nothing about it (BREACH). Any of them passes `same_masked_mac`."""
    digest = _mac(secret, purpose, value)
    pad = secrets.token_bytes(len(digest))
    return _b64(pad + bytes(a ^ b for a, b in zip(pad, digest, strict=True)))


def same_masked_mac(given: str, secret: str, purpose: str, value: str) -> bool:
    """True when `given` came from `masked_mac` with this secret, purpose and value."""
    try:
        raw = _unb64(given)
    except BadToken:
        return False
    pad, masked = raw[: len(raw) // 2], raw[len(raw) // 2 :]
    if len(pad) != SIGNATURE_BYTES or len(masked) != SIGNATURE_BYTES:
        return False
    return hmac.compare_digest(bytes(a ^ b for a, b in zip(pad, masked, strict=True)), _mac(secret, purpose, value))


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two strings of any characters (hmac.compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))

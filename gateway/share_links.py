"""Gateway share links: a signed token naming an object and an end date. /s/{token} answers each use with a GET
presigned at that moment, so a link can outlive SigV4's 7 days, and the gateway stays stateless.

Revocation needs no database: the token is signed with S3M_SECRET_KEY and the share epoch (S3M_SHARE_EPOCH), so
raising the epoch ends every link given so far; rotating the secret does too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from gateway.errors import Gone, NotFound


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _signature(secret: str, epoch: int, payload: str) -> str:
    return _b64(hmac.new(f"{secret}\0share\0{epoch}".encode(), payload.encode(), hashlib.sha256).digest()[:18])


def make_token(secret: str, epoch: int, bucket: str, key: str, until: int) -> str:
    """A token for `key` in `bucket`, valid until the Unix time `until`."""
    payload = _b64(json.dumps([bucket, key, until], separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_signature(secret, epoch, payload)}"


def open_token(secret: str, epoch: int, token: str, now: float) -> tuple[str, str]:
    """(bucket, key) of a valid token: NotFound for one this gateway never signed (or signed before the epoch
    changed, which it cannot tell apart), Gone for one past its date."""
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(signature, _signature(secret, epoch, payload)):
        raise NotFound("This share link is not valid: it was never issued here, or it was revoked.")
    bucket, key, until = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if until < now:
        raise Gone("This share link has expired.")
    return str(bucket), str(key)

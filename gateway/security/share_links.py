"""Gateway share links: /s/{token} answers each use with a GET presigned at that moment, so a link can outlive
SigV4's 7 days and the credentials that signed it.

A link is a signed token (security/tokens.py) naming who made it, the object and the end date, plus a record in the
store (security/records.py) under its maker's folder. Opening a link checks all three: the token, the record
(deleting it revokes that one link), and that its maker still exists and may still share that key for that long. Raising
S3M_SHARE_EPOCH still ends every link at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from gateway.errors import Gone, NotFound
from gateway.security.grants import Principal
from gateway.security.tokens import BadToken, mac, sign, unsign

REVOKED = "This share link is not valid: it was never issued here, or it was revoked."


@dataclass(frozen=True, slots=True)
class ShareLink:
    """What a token says: who made the link, which record is its own, the object, and its end (Unix time)."""

    maker_kind: str
    maker: str
    link_id: str
    bucket: str
    key: str
    until: int
    groups: tuple[str, ...] = ()
    """The maker's groups when they made it (from a provider or proxy): their grants count as the maker's."""


def owner_folder(secret: str, principal: Principal) -> str:
    """Where the records of `principal`'s links live: one folder each, so listing your own links is one listing."""
    return f"shares/{mac(secret, 'share-owner', f'{principal.kind}:{principal.name}')}/"


def record_name(secret: str, principal: Principal, link_id: str) -> str:
    """The name of one link's record in the store: under its maker's folder."""
    return owner_folder(secret, principal) + link_id


def new_link(principal: Principal, bucket: str, key: str, until: int) -> ShareLink:
    return ShareLink(principal.kind, principal.name, secrets.token_urlsafe(12), bucket, key, until, principal.groups)


def make_token(secret: str, epoch: int, link: ShareLink, store: str = "") -> str:
    """`store`: the mark of the link's store (gateway/stores.py: store_mark), which only opens it there."""
    fields = [link.maker_kind, link.maker, link.link_id, link.bucket, link.key, link.until]
    if link.groups:
        fields.append(list(link.groups))
    return sign(secret, f"share:{epoch}{store}", fields)


def open_token(secret: str, epoch: int, token: str, now: float, store: str = "") -> ShareLink:
    """The link a valid token names: NotFound for one this gateway never signed (or signed before the epoch
    changed, or for another store, which it cannot tell apart), Gone for one past its date."""
    try:
        kind, maker, link_id, bucket, key, until, *groups = unsign(secret, f"share:{epoch}{store}", token)
        said = tuple(str(g) for g in groups[0]) if groups else ()
        link = ShareLink(str(kind), str(maker), str(link_id), str(bucket), str(key), int(until), said)
    except (BadToken, ValueError, TypeError):
        raise NotFound(REVOKED) from None
    if link.until < now:
        raise Gone("This share link has expired.")
    return link

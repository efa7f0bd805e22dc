"""The S3 layer: the only user of boto3. Typed results in, gateway errors out, blocking calls off the event loop.

Each module holds one part of what the gateway asks of the store (client, errors, buckets, listing, objects, copies,
multipart, presign); S3Storage is all of them, one per worker process (gateway/lifespan.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.s3.buckets import Buckets
from gateway.s3.client import make_client, own_session
from gateway.s3.copies import Copies
from gateway.s3.errors import from_client_error, translated
from gateway.s3.multipart import Multipart
from gateway.s3.presign import Presigning

if TYPE_CHECKING:
    from gateway.stores import StoreConfig

__all__ = ["S3Storage", "connect", "from_client_error", "make_client", "translated"]


class S3Storage(Buckets, Copies, Multipart, Presigning):
    """Everything the gateway asks of the store."""


def connect(config: StoreConfig) -> S3Storage:
    """The storage adapter of one configured store, with a session of its own when it has credentials of its own."""
    return S3Storage(config.settings, config.name, own_session(config.profile, config.credentials), config.buckets)

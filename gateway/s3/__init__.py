"""The S3 layer: the only user of boto3. Typed results in, gateway errors out, blocking calls off the event loop.

Each module holds one part of what the gateway asks of the store (client, errors, buckets, listing, objects, copies,
multipart, presign); S3Storage is all of them, one per worker process (gateway/lifespan.py).
"""

from __future__ import annotations

from gateway.s3.buckets import Buckets
from gateway.s3.client import make_client
from gateway.s3.copies import Copies
from gateway.s3.errors import from_client_error, translated
from gateway.s3.multipart import Multipart
from gateway.s3.presign import Presigning

__all__ = ["S3Storage", "from_client_error", "make_client", "translated"]


class S3Storage(Buckets, Copies, Multipart, Presigning):
    """Everything the gateway asks of the store."""

"""Stateless upload handles for the Uppy routes: the bucket and upload id, sealed to one key with an HMAC.

Uppy sends back only the uploadId and the key after it creates an upload, so the bucket has to travel inside
the id. The seal also stops a client from steering another upload's parts or completion with a forged id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from gateway.errors import BadRequest


def _signature(secret: str, bucket: str, key: str, upload_id: str) -> str:
    mac = hmac.new(secret.encode(), f"{bucket}\n{key}\n{upload_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def seal(secret: str, bucket: str, key: str, upload_id: str) -> str:
    """`bucket.signature.upload_id`, split at the first two dots (an upload id may contain dots)."""
    encoded = base64.urlsafe_b64encode(bucket.encode()).decode().rstrip("=")
    return f"{encoded}.{_signature(secret, bucket, key, upload_id)}.{upload_id}"


@lru_cache(maxsize=4096)  # Uppy signs the parts of one upload one after another: verify its handle once
def unseal(secret: str, handle: str, key: str) -> tuple[str, str]:
    """(bucket, upload_id) from a handle made by `seal` for this `key`; BadRequest for anything else."""
    try:
        encoded, signature, upload_id = handle.split(".", 2)
        bucket = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except ValueError:
        raise BadRequest("The uploadId is not one this gateway issued.") from None
    if not hmac.compare_digest(signature, _signature(secret, bucket, key, upload_id)):
        raise BadRequest("The uploadId does not belong to this key, or was not issued by this gateway.")
    return bucket, upload_id

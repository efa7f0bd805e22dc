"""Stateless upload handles for the Uppy routes: the bucket and upload id, sealed to one key (security/tokens.py).

Uppy sends back only the uploadId and the key after it creates an upload, so the bucket has to travel inside
the id. The seal also stops a client from steering another upload's parts or completion with a forged id.
"""

from __future__ import annotations

from functools import lru_cache

from gateway.errors import BadRequest
from gateway.security.tokens import BadToken, mac, same, sign, unsign

PURPOSE = "upload"


def seal(secret: str, bucket: str, key: str, upload_id: str, store: str = "") -> str:
    """`store`: the mark of the upload's store (gateway/stores.py: store_mark), where alone the handle opens."""
    return sign(secret, PURPOSE + store, [bucket, upload_id, mac(secret, "upload-key", key)])


@lru_cache(maxsize=4096)  # Uppy signs the parts of one upload one after another: verify its handle once
def unseal(secret: str, handle: str, key: str, store: str = "") -> tuple[str, str]:
    """(bucket, upload_id) from a handle made by `seal` for this `key` and store; BadRequest for anything else."""
    try:
        bucket, upload_id, sealed_key = unsign(secret, PURPOSE + store, handle)
    except (BadToken, ValueError, TypeError):
        raise BadRequest("The uploadId is not one this gateway issued.") from None
    if not isinstance(sealed_key, str) or not same(sealed_key, mac(secret, "upload-key", key)):
        raise BadRequest("The uploadId does not belong to this key, or was not issued by this gateway.")
    return str(bucket), str(upload_id)

"""Preparing a bucket for browser uploads: create it if missing, and give it the CORS rule uploads need.

Used by `s3-manager bucket-setup` (compose's one-shot step) and by the demo.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def cors_rule(origins: list[str]) -> dict[str, Any]:
    """The rule browsers need: the explorer's origins may GET, PUT and POST, and read ETag (multipart needs it)."""
    return {
        "AllowedOrigins": origins,
        "AllowedMethods": ["GET", "PUT", "POST", "HEAD"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag", "Location"],
        "MaxAgeSeconds": 3000,
    }


def ensure_bucket(client: Any, bucket: str, origins: list[str]) -> bool:
    """Create `bucket` unless it exists, then apply the CORS rule; True when the bucket was created."""
    try:
        client.head_bucket(Bucket=bucket)
        created = False
    except ClientError:
        client.create_bucket(Bucket=bucket)
        created = True
    if origins:
        client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [cors_rule(origins)]})
    return created

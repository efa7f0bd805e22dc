"""Preparing a bucket for browser uploads: the CORS rule uploads need, whether a bucket's rules already grant it
(the CORS doctor), and the lifecycle rule that cleans up abandoned multipart uploads.

Pure: used by the S3 layer's ensure_bucket (`s3-manager bucket-setup`, the demo) and the bucket's settings page.
"""

from __future__ import annotations

from typing import Any


def cors_rule(origins: list[str]) -> dict[str, Any]:
    """The rule browsers need: the explorer's origins may GET, PUT and POST, and read ETag (multipart needs it)."""
    return {
        "AllowedOrigins": origins,
        "AllowedMethods": ["GET", "PUT", "POST", "HEAD"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag", "Location"],
        "MaxAgeSeconds": 3000,
    }


UPLOAD_METHODS = ("GET", "PUT", "POST", "HEAD")
ABORT_RULE_ID = "s3-manager-abort-incomplete-uploads"


def origin_matches(pattern: str, origin: str) -> bool:
    """S3's AllowedOrigins matching: exact, '*', or one '*' wildcard (https://*.example.com)."""
    if pattern in ("*", origin):
        return True
    head, star, tail = pattern.partition("*")
    return bool(star) and origin.startswith(head) and origin.endswith(tail) and len(origin) >= len(head) + len(tail)


def cors_problems(rules: list[dict[str, Any]], origin: str) -> list[str]:
    """Why browser uploads from `origin` would fail under these rules, in words; empty when they would work."""
    matching = [r for r in rules if any(origin_matches(o, origin) for o in r.get("AllowedOrigins", []))]
    if not matching:
        return [f"No rule allows the origin {origin}: browsers may not upload to this bucket from the explorer."]
    problems = []
    methods = {m.upper() for r in matching for m in r.get("AllowedMethods", [])}
    if missing := [m for m in UPLOAD_METHODS if m not in methods]:
        problems.append(f"Methods not allowed for {origin}: {', '.join(missing)}.")
    headers = {h.lower() for r in matching for h in r.get("AllowedHeaders", [])}
    if "*" not in headers and "content-type" not in headers:
        problems.append("The Content-Type header is not allowed: uploads that sign their type are refused.")
    exposed = {h.lower() for r in matching for h in r.get("ExposeHeaders", [])}
    if "etag" not in exposed:
        problems.append("ETag is not exposed: multipart uploads (large files, Uppy) cannot read their parts' ETags.")
    return problems


def with_upload_rule(rules: list[dict[str, Any]], origin: str) -> list[dict[str, Any]]:
    """The bucket's rules plus the one the explorer needs, first (S3 uses the first rule that matches)."""
    return [cors_rule([origin]), *rules]


def abort_rule(days: int = 7) -> dict[str, Any]:
    """A lifecycle rule that aborts multipart uploads left incomplete for `days`, so their parts stop costing."""
    return {
        "ID": ABORT_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": days},
    }

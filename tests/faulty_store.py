"""A store that fails on demand: an HTTP proxy in front of moto's server."""

from __future__ import annotations

import http.client
import re
import threading
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import boto3
from botocore.exceptions import ClientError


class FaultyStore:
    """An HTTP proxy in front of moto that can be told to answer every request with an S3 error, or to drop the
    connection without answering: a store that fails in the middle of someone's work, then comes back. It can also
    refuse some keys of a DeleteObjects, as a store whose policy protects them would, and answer browsers by each
    bucket's CORS rules, as S3 does, where moto allows every origin."""

    ERROR = '<?xml version="1.0"?><Error><Code>{code}</Code><Message>injected</Message></Error>'
    REFUSED = "<Error><Key>{key}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    STRAY = (
        '<Contents><Key>{key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"0"</ETag>'
        "<Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>"
    )
    CHECKSUMS = ("content-md5", "x-amz-checksum", "x-amz-sdk-checksum")  # of the body we no longer forward as is

    def __init__(self, upstream: str, *, enforce_cors: bool = False) -> None:
        self.upstream = urlsplit(upstream)
        self.enforce_cors = enforce_cors  # answer browsers by each bucket's CORS rules, as S3 does (moto allows all)
        # to read the rules by (a boto3 session of its own costs 0.2 s: made only when needed)
        self.rules_client = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1") if enforce_cors else None
        self.heal()
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def handle_one(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                origin = self.headers.get("origin")
                if store.enforce_cors and origin and self.command == "OPTIONS":
                    self.preflight(origin)
                    return
                if store.mode == "drop":
                    self.connection.close()
                    return
                query = {q.partition("=")[0] for q in urlsplit(self.path).query.split("&") if q}
                if query & store.unsupported:
                    self.fail(501, "NotImplemented")
                    return
                if store.mode in ("500", "503"):
                    self.fail(int(store.mode), {"500": "InternalError", "503": "ServiceUnavailable"}[store.mode])
                    return
                if store.refuse_self_copies and self.copies_onto_itself():
                    self.fail(400, "InvalidRequest")
                    return
                headers = dict(self.headers)
                refusing = self.command == "POST" and self.path.endswith("?delete") and store.refused
                if refusing:
                    body, refused = store.without_refused(body)
                    headers = {k: v for k, v in headers.items() if not k.lower().startswith(store.CHECKSUMS)}
                    headers["Content-Length"] = str(len(body))
                conn = http.client.HTTPConnection(store.upstream.hostname, store.upstream.port, timeout=10)
                conn.request(self.command, self.path, body or None, headers)
                answer = conn.getresponse()
                payload = answer.read()
                if store.stray and self.command == "GET" and "list-type=2" in self.path:
                    listed = "".join(store.STRAY.format(key=escape(k)) for k in store.stray)
                    payload = payload.replace(b"</ListBucketResult>", listed.encode() + b"</ListBucketResult>")
                if refusing:
                    errors = "".join(store.REFUSED.format(key=escape(k)) for k in refused)
                    payload = payload.replace(b"</DeleteResult>", errors.encode() + b"</DeleteResult>")
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    lowered = name.lower()
                    if lowered in ("content-length", "transfer-encoding", "connection"):
                        continue
                    if store.enforce_cors and lowered.startswith("access-control-"):
                        continue  # moto's own: allow everything
                    self.send_header(name, value)
                rule = store.cors_rule(self.path, origin, self.command) if store.enforce_cors and origin else None
                if rule is not None:
                    self.send_header("Access-Control-Allow-Origin", str(origin))
                    self.send_header("Access-Control-Expose-Headers", ", ".join(rule.get("ExposeHeaders", [])))
                    self.send_header("Vary", "Origin")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                conn.close()

            def fail(self, status: int, code: str) -> None:
                payload = store.ERROR.format(code=code).encode()
                self.send_response(status)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def copies_onto_itself(self) -> bool:
                """A CopyObject whose source is its own key (a version of it, say) that keeps the metadata."""
                source = unquote(self.headers.get("x-amz-copy-source", "").partition("?")[0]).lstrip("/")
                target = unquote(urlsplit(self.path).path).lstrip("/")
                replacing = self.headers.get("x-amz-metadata-directive") == "REPLACE"
                return self.command == "PUT" and source == target and not replacing

            def preflight(self, origin: str) -> None:
                method = self.headers.get("access-control-request-method", "")
                asked = [h.strip().lower() for h in self.headers.get("access-control-request-headers", "").split(",")]
                rule = store.cors_rule(self.path, origin, method, [h for h in asked if h])
                self.send_response(200 if rule else 403)
                if rule:
                    self.send_header("Access-Control-Allow-Origin", origin)
                    self.send_header("Access-Control-Allow-Methods", method)
                    self.send_header("Access-Control-Allow-Headers", ", ".join(asked))
                    self.send_header("Vary", "Origin")
                self.send_header("content-length", "0")
                self.end_headers()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def heal(self) -> None:
        """Pass every request through unchanged again."""
        self.mode = "pass"  # or "500", "503", "drop"
        self.refused: set[str] = set()  # keys DeleteObjects reports as refused, and leaves in place
        # Subresources answered with 501 NotImplemented, as a store without the feature does (s3rver: lifecycle,
        # uploads; others: versioning, tagging).
        self.unsupported: set[str] = set()
        # Keys every ListObjectsV2 answer also names, whatever prefix was asked for: a store with a listing bug.
        self.stray: list[str] = []
        # CopyObject onto its own source key refused unless it replaces the metadata, as LocalStack refuses to
        # restore a version (a copy of the version onto its key) that S3 and the other stores take.
        self.refuse_self_copies = False

    def cors_rule(self, path: str, origin: str, method: str, headers: list[str] | None = None) -> dict[str, Any] | None:
        """The bucket's first rule that lets `origin` send `method` with `headers` (exact origins or '*' only)."""
        bucket = urlsplit(path).path.split("/")[1]
        assert self.rules_client is not None, "made with enforce_cors=False"
        try:
            rules = self.rules_client.get_bucket_cors(Bucket=bucket)["CORSRules"]
        except ClientError:
            return None
        for rule in rules:
            allowed = {h.lower() for h in rule.get("AllowedHeaders", [])}
            if (
                (origin in rule["AllowedOrigins"] or "*" in rule["AllowedOrigins"])
                and method in rule["AllowedMethods"]
                and ("*" in allowed or set(headers or []) <= allowed)
            ):
                return dict(rule)
        return None

    def without_refused(self, body: bytes) -> tuple[bytes, list[str]]:
        """A DeleteObjects body less the refused keys, and which of its keys those were."""
        objects = re.findall(rb"<Object>.*?</Object>", body, flags=re.S)
        keys = [unescape(re.sub(rb".*<Key>(.*?)</Key>.*", rb"\1", o, flags=re.S).decode()) for o in objects]
        kept = b"".join(o for o, k in zip(objects, keys, strict=True) if k not in self.refused)
        head, tail = body.split(b"<Object>", 1)[0], body.rsplit(b"</Object>", 1)[1]
        return head + kept + tail, [k for k in keys if k in self.refused]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A store that fails on demand: an HTTP proxy in front of moto's server."""

from __future__ import annotations

import http.client
import re
import threading
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape


class FaultyStore:
    """An HTTP proxy in front of moto that can be told to answer every request with an S3 error, or to drop the
    connection without answering: a store that fails in the middle of someone's work, then comes back. It can also
    refuse some keys of a DeleteObjects, as a store whose policy protects them would."""

    ERROR = '<?xml version="1.0"?><Error><Code>{code}</Code><Message>injected</Message></Error>'
    REFUSED = "<Error><Key>{key}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    CHECKSUMS = ("content-md5", "x-amz-checksum", "x-amz-sdk-checksum")  # of the body we no longer forward as is

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.mode = "pass"  # or "500", "503", "drop"
        self.refused: set[str] = set()  # keys DeleteObjects reports as refused, and leaves in place
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def handle_one(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if store.mode == "drop":
                    self.connection.close()
                    return
                if store.mode in ("500", "503"):
                    code = {"500": "InternalError", "503": "ServiceUnavailable"}[store.mode]
                    payload = store.ERROR.format(code=code).encode()
                    self.send_response(int(store.mode))
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
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
                if refusing:
                    errors = "".join(store.REFUSED.format(key=escape(k)) for k in refused)
                    payload = payload.replace(b"</DeleteResult>", errors.encode() + b"</DeleteResult>")
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

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

"""Compressed answers, without the BREACH leak: pages hold secrets (the CSRF token, presigned URLs) beside input
they echo (a prefix, a key), and a page compressed with both lets an eavesdropper, who can make the victim's browser
send requests, guess the secret from the answers' lengths.

So the CSRF token is masked anew on every page (tokens.masked_mac), and a request that another site made the
browser send (`Sec-Fetch-Site: cross-site` or `same-site`) is answered uncompressed: the pages' own requests and
programs (which send no cookies) get gzip.
"""

from __future__ import annotations

from typing import Any, cast

from litestar.config.compression import CompressionConfig
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Empty, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

COMPRESSION = CompressionConfig(backend="gzip", gzip_compress_level=6, minimum_size=1024)
ANOTHER_SITE = (b"cross-site", b"same-site")


class NoCompressionAcrossSites:
    """Drop Accept-Encoding from a request another site made, before Litestar's compression reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and any(
            k == b"sec-fetch-site" and v in ANOTHER_SITE for k, v in scope["headers"]
        ):
            headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
            cast(dict[str, Any], scope)["headers"] = headers
            ScopeState.from_scope(scope).headers = Empty  # read again from the scope, not from a copy made earlier
        await self.app(scope, receive, send)

"""Prometheus metrics at /metrics (see gateway/observability/metrics.py), optionally behind a bearer token of its
own: scrapers are not users, so the access file's sign-in does not apply here."""

from __future__ import annotations

import hmac

from litestar import Response, get
from litestar.exceptions import NotAuthorizedException

from gateway.observability.metrics import MEDIA_TYPE, render
from gateway.types import AnyRequest


@get("/metrics", name="metrics", include_in_schema=False, sync_to_thread=True, opt={"public": True})
def metrics(request: AnyRequest) -> Response[bytes]:
    """The exposition text. In a thread: with several workers it reads their sample files."""
    token = request.app.state.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise NotAuthorizedException("Send the metrics token as Authorization: Bearer <token>.")
    return Response(render(), media_type=MEDIA_TYPE)

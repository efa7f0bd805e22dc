"""Share links for one object: a presigned GET for a chosen time (at most 7 days, cannot be revoked), or a gateway
link that presigns afresh on each use, for any time up to S3M_MAX_SHARE_SECONDS, revocable (gateway/share_links.py).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.audit import presigned, record
from gateway.auth import allow, lifetime_cap
from gateway.errors import BadRequest
from gateway.explorer import check_bucket_name, check_key, content_disposition, last_segment
from gateway.responses import page_or_partial
from gateway.share_links import make_token, open_token
from gateway.storage import S3Storage

LIFETIMES = {3600: "1 hour", 86400: "1 day", 7 * 86400: "7 days", 30 * 86400: "30 days", 365 * 86400: "1 year"}
OPEN_SECONDS = 300  # a gateway link's redirect is used at once: its URL need not live long
SIGV4_LIMIT = 7 * 86400


def share_view(request: Request[Any, Any, Any], bucket: str, key: str, **result: Any) -> Template:
    settings = request.app.state.settings
    context = {
        "bucket": bucket,
        "key": key,
        "name": last_segment(key),
        "lifetimes": LIFETIMES,
        "presigned_cap": min(lifetime_cap(request), SIGV4_LIMIT),
        "gateway_cap": settings.max_share_seconds,
        "result": result or None,
    }
    return page_or_partial(request, "pages/share.html", "partials/share.html", context)


class ShareController(Controller):
    include_in_schema = False

    @get("/b/{bucket:str}/share", name="share")
    async def form(self, request: Request[Any, Any, Any], bucket: FromPath[str], key: FromQuery[str]) -> Template:
        allow(request, "share", check_bucket_name(bucket), check_key(key))
        return share_view(request, bucket, key)

    @post("/b/{bucket:str}/share", name="share_create", status_code=200)
    async def create(
        self, request: Request[Any, Any, Any], storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        form = await request.form()
        key, kind = check_key(str(form.get("key", ""))), str(form.get("kind", "presigned"))
        allow(request, "share", check_bucket_name(bucket), key)
        try:
            seconds = int(str(form.get("seconds", "")))
        except ValueError:
            raise BadRequest("Choose how long the link should work.") from None
        await storage.head(bucket, key)  # a link to nothing helps nobody: say so now
        settings = storage.settings
        until = int(time.time()) + seconds
        warning = None
        if kind == "presigned":
            if not 1 <= seconds <= min(lifetime_cap(request), SIGV4_LIMIT):
                raise BadRequest("A presigned link lasts at most 7 days and the gateway's cap: choose a gateway link.")
            url = storage.presign_get(bucket, key, content_disposition(key), seconds)
            presigned(request, "GET", bucket, key, seconds, purpose="share")
            if storage.credentials_are_temporary():
                warning = (
                    "The gateway signs with temporary credentials: this link stops working when they expire, "
                    "which may be before the date shown. A gateway link does not depend on them."
                )
        elif kind == "gateway":
            if not 60 <= seconds <= settings.max_share_seconds:
                raise BadRequest(f"A gateway link lasts from a minute to {settings.max_share_seconds} seconds.")
            token = make_token(settings.secret_key, settings.share_epoch, bucket, key, until)
            url = str(request.base_url).rstrip("/") + request.app.route_reverse("share_open", token=token)
            record(request, "share.create", "ok", bucket=bucket, key=key, expires=seconds, kind="gateway")
        else:
            raise BadRequest("A link is either presigned or a gateway link.")
        return share_view(request, bucket, key, url=url, until=datetime.fromtimestamp(until, UTC), warning=warning)

    @get("/s/{token:str}", name="share_open", opt={"public": True})
    async def open(
        self, request: Request[Any, Any, Any], storage: NamedDependency[S3Storage], token: FromPath[str]
    ) -> Redirect:
        """Anyone holding the link may download: the token is the credential. A GET presigned now, short-lived."""
        settings = storage.settings
        bucket, key = open_token(settings.secret_key, settings.share_epoch, token, time.time())
        url = storage.presign_get(bucket, key, content_disposition(key), OPEN_SECONDS)
        presigned(request, "GET", bucket, key, OPEN_SECONDS, purpose="share-link")
        return Redirect(url, status_code=303, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

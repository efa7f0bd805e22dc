"""Share links for one object: a presigned GET for a chosen time (at most 7 days, cannot be revoked), or a gateway
link that presigns afresh on each use, revocable one by one (gateway/security/share_links.py). People see and
revoke their own gateway links on /shares.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.controllers.shared import valid_bucket
from gateway.errors import AccessDenied, BadRequest, NotFound
from gateway.observability.audit import presigned, record
from gateway.responses import page_or_partial, wants_partial
from gateway.rules.keys import check_key, content_disposition, folder_of, last_segment
from gateway.rules.previews import shown_as
from gateway.s3 import S3Storage
from gateway.security.auth import allow, capped, lifetime_cap, principal_of
from gateway.security.grants import ANONYMOUS, AccessConfig, Principal
from gateway.security.records import StateStore
from gateway.security.share_links import (
    REVOKED,
    ShareLink,
    make_token,
    new_link,
    open_token,
    owner_folder,
    record_name,
)
from gateway.stores import store_mark
from gateway.templating import build_url
from gateway.types import AnyRequest

LIFETIMES = (900, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)
GATEWAY_LINK_MINIMUM = 60
OPEN_SECONDS = 300  # a gateway link's redirect is used at once: its URL need not live long
SIGV4_LIMIT = 7 * 86400
NO_RECORDS = "Gateway links need a place in the store for their records: set S3M_STATE_S3_URL (see the README)."


def gateway_link_cap(request: AnyRequest, principal: Principal) -> int:
    """The longest a gateway link by `principal` may last: the gateway's cap, or the principal's own if lower."""
    return capped(request.app.state.settings.max_share_seconds, principal.max_expires)


def lifetimes_up_to(cap: int) -> list[int]:
    """The lifetimes a form offers under `cap`: the usual ones, and the cap itself when it falls between them."""
    offered = [seconds for seconds in LIFETIMES if seconds <= cap]
    return offered if cap in offered else [*offered, cap]


def share_view(request: AnyRequest, bucket: str, key: str, content_type: str, **result: Any) -> Template:
    """One form per kind of link, each offering only the lifetimes that kind allows the caller."""
    gateway_cap = gateway_link_cap(request, principal_of(request)) if request.app.state.records else 0
    context = {
        "bucket": bucket,
        "key": key,
        "name": last_segment(key),
        "folder": folder_of(key),
        "presigned_lifetimes": lifetimes_up_to(min(lifetime_cap(request), SIGV4_LIMIT)),
        "gateway_lifetimes": lifetimes_up_to(gateway_cap) if gateway_cap >= GATEWAY_LINK_MINIMUM else [],
        "records": request.app.state.records is not None,
        "viewable": shown_as(content_type) is not None,
        "result": result or None,
    }
    return page_or_partial(request, "pages/share.html", "partials/share.html", context)


def opens_as(key: str, shown: str | None) -> str:
    """The Content-Disposition of a share link: shown in the browser as the pinned type `shown`, or saved."""
    return content_disposition(key, "inline" if shown else "attachment")


def records_of(request: AnyRequest) -> StateStore:
    records: StateStore | None = request.app.state.records
    if records is None:
        raise BadRequest(NO_RECORDS)
    return records


def maker_of(request: AnyRequest, link: ShareLink) -> Principal:
    """Who made the link, as the access file says now; NotFound once they are gone from it."""
    access: AccessConfig | None = request.app.state.access
    maker = ANONYMOUS if access is None else access.principal_named(link.maker_kind, link.maker, link.groups)
    if maker is None:
        raise NotFound(REVOKED)
    return maker


class ShareController(Controller):
    include_in_schema = False
    guards = [valid_bucket]

    @get("/b/{bucket:str}/share", name="share")
    async def form(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str], key: FromQuery[str]
    ) -> Template:
        allow(request, "share", bucket, check_key(key))
        head = await storage.head(bucket, key)  # whether the link may show it in the browser
        return share_view(request, bucket, key, head.get("ContentType", ""))

    @post("/b/{bucket:str}/share", name="share_create", status_code=200)
    async def create(self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]) -> Template:
        form = await request.form()
        key, kind = check_key(str(form.get("key", ""))), str(form.get("kind", "presigned"))
        principal = allow(request, "share", bucket, key)
        try:
            seconds = int(str(form.get("seconds", "")))
        except ValueError:
            raise BadRequest("Choose how long the link should work.") from None
        content_type = (await storage.head(bucket, key)).get("ContentType", "")  # a link to nothing: say so now
        shown = shown_as(content_type) if form.get("opens") == "browser" else None
        if form.get("opens") == "browser" and shown is None:
            raise BadRequest(f"A file of type {content_type or 'unknown'} is only downloaded, not shown in a browser.")
        until = int(time.time()) + seconds
        warning = None
        if kind == "presigned":
            if not 1 <= seconds <= min(lifetime_cap(request), SIGV4_LIMIT):
                raise BadRequest("A presigned link lasts at most 7 days and your cap: choose a gateway link.")
            url = storage.presign_get(bucket, key, opens_as(key, shown), seconds, content_type=shown)
            presigned(request, "GET", bucket, key, seconds, purpose="share")
            if storage.credentials_are_temporary():
                warning = (
                    "The gateway signs with temporary credentials: this link stops working when they expire, "
                    "which may be before the date shown. A gateway link does not depend on them."
                )
        elif kind == "gateway":
            records, cap = records_of(request), gateway_link_cap(request, principal)
            if not GATEWAY_LINK_MINIMUM <= seconds <= cap:
                raise BadRequest(f"A gateway link lasts from a minute to {cap} seconds for you.")
            link = new_link(principal, bucket, key, until)
            settings = request.app.state.settings
            record_fields = {"bucket": bucket, "key": key, "until": until, "created": int(time.time()), "shown": shown}
            record_fields["store"] = storage.name
            await records.put(record_name(settings.secret_key, principal, link.link_id), record_fields)
            token = make_token(settings.secret_key, settings.share_epoch, link, store_mark(request))
            url = str(request.base_url).rstrip("/") + build_url(request, "share_open", token=token)
            record(request, "share.create", "ok", bucket=bucket, key=key, expires=seconds, kind="gateway")
        else:
            raise BadRequest("A link is either presigned or a gateway link.")
        until_time = datetime.fromtimestamp(until, UTC)
        return share_view(request, bucket, key, content_type, url=url, until=until_time, warning=warning)

    @get("/s/{token:str}", name="share_open", opt={"public": True})
    async def open(self, request: AnyRequest, storage: NamedDependency[S3Storage], token: FromPath[str]) -> Redirect:
        """Anyone holding the link may download, while its record stands and its maker may still share the key."""
        settings = storage.settings
        link = open_token(settings.secret_key, settings.share_epoch, token, time.time(), store_mark(request))
        maker = maker_of(request, link).in_store(storage.name)
        saved = await records_of(request).get(record_name(settings.secret_key, maker, link.link_id))
        if saved is None:
            raise NotFound(REVOKED)
        if not maker.may("share", link.bucket, link.key):
            raise AccessDenied("Whoever made this link may no longer share this file.")
        if link.until - int(saved.get("created", 0)) > gateway_link_cap(request, maker):
            raise AccessDenied("This link lasts longer than its maker may now share for.")
        shown = shown_as(str(saved.get("shown") or ""))  # checked again: the record lives in the store
        url = storage.presign_get(link.bucket, link.key, opens_as(link.key, shown), OPEN_SECONDS, content_type=shown)
        presigned(request, "GET", link.bucket, link.key, OPEN_SECONDS, purpose="share-link")
        return Redirect(url, status_code=303, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    @get("/shares", name="share_list")
    async def mine(self, request: AnyRequest, notice: FromQuery[str | None] = None) -> Template:
        return await shares_view(request, notice)

    @post("/shares/revoke", name="share_revoke", status_code=200)
    async def revoke(self, request: AnyRequest) -> Response[Any]:
        """Delete one of the caller's own link records: that link stops working, the others keep working."""
        link_id = str((await request.form()).get("id", ""))
        if not link_id or "/" in link_id:
            raise BadRequest("Choose a link to revoke.")
        records, principal = records_of(request), principal_of(request)
        name = record_name(request.app.state.settings.secret_key, principal, link_id)
        saved = await records.get(name)
        if saved is None:
            raise NotFound("You have no such link.")
        await records.delete(name)
        record(request, "share.revoke", "ok", bucket=saved.get("bucket"), key=saved.get("key"))
        if wants_partial(request):
            return await shares_view(request, "Revoked.")
        return Redirect(build_url(request, "share_list", {"notice": "Revoked."}), status_code=303)


async def shares_view(request: AnyRequest, notice: str | None) -> Template:
    """The caller's own gateway links that still work, newest first, each with a way to revoke it."""
    records, secret = records_of(request), request.app.state.settings.secret_key
    now = time.time()
    links = [
        {"id": name.rpartition("/")[2], **saved, "ends": datetime.fromtimestamp(int(saved["until"]), UTC)}
        for name, saved in await records.records(owner_folder(secret, principal_of(request)))
        if int(saved.get("until", 0)) > now
    ]
    links.sort(key=lambda link: -int(link.get("created", 0)))
    return page_or_partial(request, "pages/shares.html", "partials/shares.html", {"links": links, "notice": notice})

"""Copy, move and rename: one object at once, or a whole folder page by page (the browser drives the pages and shows
progress). Within one store, the store copies (CopyObject, multipart copy for large objects). Into another store, the
browser does: it reads each object with a presigned GET of the source and writes it with the target store's own
upload routes (a presigned PUT, or parts), so the bytes never pass through the gateway. A move deletes a source only
after its copy arrived and, across stores, was found whole (its size and, where both stores give one, its ETag).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template

from gateway.controllers.shared import after_change, load_listing, upload_options, valid_bucket
from gateway.errors import BadRequest, Conflict, NotFound
from gateway.models import KeyCount
from gateway.observability.audit import audited, presigned
from gateway.responses import page_or_partial
from gateway.rules.keys import (
    breadcrumbs,
    check_bucket_name,
    check_key,
    check_prefix,
    folder_of,
    folder_prefix,
    last_segment,
    parent_of,
    renamed,
)
from gateway.s3 import S3Storage
from gateway.security.auth import (
    allow,
    allow_listing,
    default_lifetime,
    signed_in,
    visible_buckets,
    visible_stores,
)
from gateway.security.grants import check
from gateway.types import AnyRequest


@dataclass
class TransferRequest:
    target_bucket: str
    target: str
    """The new key of one object, or the folder (ending in '/', or '' for the bucket's root) a folder goes into."""
    key: str | None = None
    prefix: str | None = None
    move: bool = False
    token: str | None = None
    only_new: bool = False
    """Refuse when the target already holds anything (a rename): checked before the first page."""


@dataclass
class SourcesRequest:
    key: str | None = None
    prefix: str | None = None
    move: bool = False
    token: str | None = None


@dataclass
class CopiedRequest:
    key: str
    target_store: str
    target_bucket: str
    target_key: str


CROSS_STORE_PAGE = 100
"""Objects per page of a copy into another store: each is a HEAD here (for its type) and a transfer in the browser."""


def check_target_folder(source: str, folder: str, target: str, target_folder: str) -> str:
    """A folder may go anywhere but into itself, which would copy its own copies forever."""
    if target_folder and not target_folder.endswith("/"):
        raise BadRequest("The target of a folder is a folder: end it with '/' (or leave it empty for the root).")
    if source == target and target_folder.startswith(folder):
        raise BadRequest(f"{folder} cannot be copied or moved into itself ({target_folder}).")
    return target_folder


class TransferController(Controller):
    path = "/b/{bucket:str}/transfer"
    include_in_schema = False
    guards = [valid_bucket]

    @get("/", name="transfer")
    async def form(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str | None] = None,
        key: FromQuery[str | None] = None,
        target_store: FromQuery[str | None] = None,
    ) -> Template:
        """The copy / move form for a folder (with how many objects it holds) or one object, into a bucket of the
        source's store or of `target_store`."""
        if prefix is not None:
            folder = folder_prefix(prefix)
            allow_listing(request, bucket, folder)
            count = await storage.count_under(bucket, folder)
            source: dict[str, Any] = {"folder": folder, "key": None, "count": count, "parent": parent_of(folder)}
            source["name"] = last_segment(folder) + "/"
        else:
            key = check_key(key or "")
            allow(request, "read", bucket, key)
            await storage.head(bucket, key)
            source = {"folder": None, "key": key, "count": KeyCount(1, False), "parent": parent_of(key)}
            source["name"] = last_segment(key)
        stores = visible_stores(request)
        target = target_store or storage.name
        if target not in stores:
            raise NotFound(f"There is no store named {target!r} here.")
        found = [b.name for b in await visible_buckets(request, request.app.state.stores[target])]
        # The source's bucket first when the target is its store: copies stay in it unless told otherwise.
        buckets = [bucket, *(name for name in found if name != bucket)] if target == storage.name else found
        context = {
            **source,
            "bucket": bucket,
            "buckets": buckets,
            "store": storage.name,
            "stores": stores if len(stores) > 1 else [],
            "target_store": target,
            "uploads": upload_options(storage.settings),
        }
        return page_or_partial(request, "pages/transfer.html", "partials/transfer.html", context)

    @get("/folders", name="transfer_folders")
    async def folders(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        target_bucket: FromQuery[str],
        prefix: FromQuery[str] = "",
    ) -> Template:
        """The form's folder picker: the folders of `prefix` in the target bucket, one listing page of them, as the
        caller may list them. The page's script makes the folder shown the target."""
        check_bucket_name(target_bucket)
        listing = await load_listing(request, storage, target_bucket, folder_of(check_prefix(prefix)))
        crumbs = breadcrumbs(listing.prefix)
        context = {"bucket": bucket, "target_bucket": target_bucket, "listing": listing, "crumbs": crumbs}
        return Template(template_name="partials/folder_picker.html", context=context)

    @post("/", name="transfer_run", status_code=200)
    async def run(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[TransferRequest],
    ) -> dict[str, Any]:
        """One object, or the next page of a folder; the answer says what arrived and where the next page starts."""
        target = check_bucket_name(data.target_bucket)
        action = "move" if data.move else "copy"
        if (data.key is None) == (data.prefix is None):
            raise BadRequest("Give the key of one object or the prefix of a folder.")
        if data.key is not None:
            key, target_key = check_key(data.key), check_key(data.target)
            if (bucket, key) == (target, target_key):
                raise BadRequest("The object is already there.")
            allow(request, "read", bucket, key)
            allow(request, "write", target, target_key)
            if data.move:
                allow(request, "delete", bucket, key)
            with audited(request, f"object.{action}", bucket=bucket, key=key, target_bucket=target, target=target_key):
                await storage.transfer_object(bucket, key, target, target_key, move=data.move)
            return {"copied": 1, "failed": [], "deleted": int(data.move), "not_deleted": [], "next_token": None}
        folder = folder_prefix(data.prefix or "")
        target_folder = check_target_folder(bucket, folder, target, check_prefix(data.target))
        allow(request, "read", bucket, folder)
        allow(request, "write", target, target_folder)
        if data.move:
            allow(request, "delete", bucket, folder)
        if data.only_new and data.token is None and (await storage.count_under(target, target_folder)).count:
            raise Conflict(f"{target_folder} already exists: choose another name, or delete it first.")
        fields = {"bucket": bucket, "prefix": folder, "target_bucket": target, "target": target_folder}
        with audited(request, f"folder.{action}", **fields) as event:
            report = await storage.transfer_page(
                bucket, folder, target, target_folder, move=data.move, token=data.token
            )
            event.update(copied=report.copied, deleted=report.deleted)
            if report.failed or report.not_deleted:
                event.update(outcome="partial", failed=[k for k, _ in report.failed + report.not_deleted])
        return {
            "copied": report.copied,
            "failed": [{"key": k, "reason": r} for k, r in report.failed],
            "deleted": report.deleted,
            "not_deleted": [{"key": k, "reason": r} for k, r in report.not_deleted],
            "next_token": report.next_token,
        }

    @post("/sources", name="transfer_sources", status_code=200)
    async def sources(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[SourcesRequest],
    ) -> dict[str, Any]:
        """For a copy into another store, which the browser makes: one object, or the next page of a folder, each
        with its size, type and ETag and a GET presigned for the browser to read it."""
        if (data.key is None) == (data.prefix is None):
            raise BadRequest("Give the key of one object or the prefix of a folder.")
        where = check_key(data.key) if data.key is not None else folder_prefix(data.prefix or "")
        for action in ("read", "delete") if data.move else ("read",):
            allow(request, action, bucket, where)
        if data.key is not None:
            keys, next_token = [where], None
        else:
            page = await storage.list_page(bucket, where, data.token, flat=True, size=CROSS_STORE_PAGE)
            keys, next_token = [o.key for o in page.objects], page.next_token
        heads = await storage.heads(bucket, keys)
        seconds = default_lifetime(request)
        objects = [
            {
                "key": key,
                "size": head["ContentLength"],
                "type": head.get("ContentType") or "application/octet-stream",
                "etag": head.get("ETag", ""),
                "url": storage.presign_get(bucket, key, None, seconds),
            }
            for key, head in heads.items()
            if head is not None  # gone since it was listed
        ]
        if objects:
            presigned(request, "GET", bucket, where, seconds, purpose="copy to another store", objects=len(objects))
        return {"objects": objects, "next_token": next_token}

    @post("/verified", name="transfer_verified", status_code=200)
    async def verified(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[CopiedRequest],
    ) -> dict[str, Any]:
        """The second half of a move into another store: compare the copy the browser made with its source, and
        delete the source only when they agree."""
        key, target_key = check_key(data.key), check_key(data.target_key)
        target_bucket = check_bucket_name(data.target_bucket)
        allow(request, "delete", bucket, key)
        target = request.app.state.stores.get(data.target_store)
        if target is None or target.name == storage.name:
            raise BadRequest("A move into another store names that store; within one store, the store moves.")
        check(signed_in(request).in_store(target.name), request.app.state.read_only, "write", target_bucket, target_key)
        fields = {"bucket": bucket, "key": key, "target_store": target.name, "target_bucket": target_bucket}
        with audited(request, "object.move", **fields, target=target_key):
            copy = (await target.heads(target_bucket, [target_key]))[target_key]
            source = await storage.head(bucket, key)
            if copy is None:
                raise Conflict(f"No copy of {key} arrived in {target.name}/{target_bucket}: the source was kept.")
            if problem := differs(source, copy):
                raise Conflict(f"The copy of {key} in {target.name}/{target_bucket} {problem}: the source was kept.")
            await storage.remove(bucket, key)
        return {"deleted": 1}


def differs(source: dict[str, Any], copy: dict[str, Any]) -> str | None:
    """How a copy differs from its source, as a sentence's end, or None. ETags are compared only when both are of
    one kind (an MD5, or the same number of parts): a copy written in other parts, or encrypted with KMS, has
    another ETag for the same bytes."""
    if source["ContentLength"] != copy["ContentLength"]:
        return f"holds {copy['ContentLength']} bytes, the source {source['ContentLength']}"
    tags = str(source.get("ETag", "")).strip('"'), str(copy.get("ETag", "")).strip('"')
    kinds = {tag.partition("-")[2] for tag in tags}
    if all(tags) and len(kinds) == 1 and tags[0] != tags[1]:
        return "has other contents (another ETag)"
    return None


class RenameController(Controller):
    """A new name in the same folder: its own page (deep link, reload and Back work), and never an overwrite."""

    path = "/b/{bucket:str}/rename"
    include_in_schema = False
    guards = [valid_bucket]

    @get("/", name="rename")
    async def form(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str | None] = None,
        key: FromQuery[str | None] = None,
    ) -> Template:
        """The form for one object (sent as is) or a folder (moved page by page by the page's script)."""
        source = folder_prefix(prefix) if prefix is not None else check_key(key or "")
        allow(request, "write", bucket, source)
        allow(request, "delete", bucket, source)
        count = await storage.count_under(bucket, source) if prefix is not None else None
        if prefix is None:
            await storage.head(bucket, source)  # a missing object is a 404 here, not a form that cannot work
        context = {
            "bucket": bucket,
            "source": source,
            "name": last_segment(source),
            "parent": parent_of(source),
            "count": count,
        }
        return page_or_partial(request, "pages/rename.html", "partials/rename.html", context)

    @post("/", name="rename_run", status_code=200)
    async def run(self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]) -> Any:
        """Rename one object: refused when the new name is taken, so nothing is overwritten."""
        form = await request.form()
        key = check_key(str(form.get("key", "")))
        target = renamed(key, str(form.get("name", "")).strip())
        for action, name in (("read", key), ("delete", key), ("write", target)):
            allow(request, action, bucket, name)
        if target == key:
            raise BadRequest("That is its name already.")
        if await storage.existing(bucket, [target]):
            raise Conflict(f"{last_segment(target)} already exists here: choose another name, or delete it first.")
        with audited(request, "object.rename", bucket=bucket, key=key, target=target):
            await storage.transfer_object(bucket, key, bucket, target, move=True)
        notice = f"Renamed {last_segment(key)} to {last_segment(target)}."
        return await after_change(request, storage, bucket, parent_of(key), notice)

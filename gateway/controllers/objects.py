"""Acting on objects: download and upload by presigned URL, create folders, delete keys and whole folders.

No object bytes pass through here: downloads are redirects to a URL signed at click time, and uploads get a
presigned PUT that the browser sends straight to the store.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template

from gateway.controllers.shared import after_change, folder_view, unless_unsupported, valid_bucket, versions_view
from gateway.errors import AccessDenied, BadRequest
from gateway.models import DeleteReport, ObjectDetails, PostPolicy
from gateway.observability.audit import audited, presigned
from gateway.responses import page_or_partial, wants_partial
from gateway.rules.keys import (
    breadcrumbs,
    check_key,
    check_prefix,
    content_disposition,
    folder_of,
    folder_prefix,
    last_segment,
    new_folder_key,
    parent_of,
)
from gateway.rules.lifecycle import ARCHIVED, RESTORE_TIERS, STORAGE_CLASSES
from gateway.rules.limits import (
    MAX_FILES_PER_REQUEST,
    MAX_SELECTED_FOLDERS,
    MAX_SELECTED_KEYS,
    check_size,
    whole_number,
)
from gateway.rules.metadata import check_metadata, check_tags, parse_pairs
from gateway.rules.previews import PREVIEW_TEXT_BYTES, preview_kind, shown_as
from gateway.rules.retention import needs_bypass, retain_until
from gateway.s3 import S3Storage
from gateway.security.auth import allow, default_lifetime, own_upload_cap, principal_of, upload_size_cap
from gateway.templating import build_url
from gateway.types import AnyRequest

EDITABLE_HEADERS = {"content_type": "ContentType", "cache_control": "CacheControl", "disposition": "ContentDisposition"}


@dataclass
class FileToUpload:
    path: str
    """Where the file goes, relative to the prefix: a name, or 'folder/sub/name' for a folder upload."""
    type: str = ""
    size: int | None = None
    """The file's size, signed as the upload's Content-Length (required from a caller with a size cap)."""


@dataclass
class UploadRequest:
    prefix: str = ""
    files: list[FileToUpload] = field(default_factory=list)


async def details_view(
    request: AnyRequest, storage: S3Storage, bucket: str, key: str, notice: str | None = None
) -> Template:
    details, lock = await asyncio.gather(storage.details(bucket, key), unless_unsupported(storage.object_lock(bucket)))
    context = {
        "bucket": bucket,
        "details": details,
        "lock": lock,
        "locks": principal_of(request).may("admin", bucket, key) and not request.app.state.read_only,
        "storage_classes": ("STANDARD", *STORAGE_CLASSES),
        "archived": details.storage_class in ARCHIVED,
        "restore_tiers": RESTORE_TIERS,
        "name": last_segment(key),
        "back": folder_of(key),
        "crumbs": breadcrumbs(folder_of(key)),
        "preview": preview_of(request, storage, bucket, details),
        "preview_limit": PREVIEW_TEXT_BYTES,
    }
    return page_or_partial(request, "pages/details.html", "partials/details.html", {**context, "notice": notice})


def preview_of(request: AnyRequest, storage: S3Storage, bucket: str, details: ObjectDetails) -> Any:
    """What the page needs to show the object, loaded by the browser from the store with a GET signed now: the
    kind and the URL; None when the object must not be rendered (gateway/rules/previews.py)."""
    kind, content_type = preview_kind(details.content_type), shown_as(details.content_type)
    if kind is None or not principal_of(request).may("read", bucket, details.key):
        return None
    seconds = default_lifetime(request)
    url = storage.presign_get(bucket, details.key, "inline", seconds, content_type=content_type)
    presigned(request, "GET", bucket, details.key, seconds, purpose="preview")
    return {"kind": kind, "url": url}


async def version_form(request: AnyRequest) -> tuple[str, str]:
    form = await request.form()
    key, version = check_key(str(form.get("key", ""))), str(form.get("version", ""))
    if not version:
        raise BadRequest("Choose a version.")
    return key, version


async def after_object_change(
    request: AnyRequest, storage: S3Storage, bucket: str, key: str, notice: str
) -> Response[Any]:
    """The object's details again, with what happened (htmx), or a redirect to them (plain form)."""
    if wants_partial(request):
        return await details_view(request, storage, bucket, key, notice)
    return Redirect(build_url(request, "object_details", {"key": key}, bucket=bucket), status_code=303)


async def selection_form(request: AnyRequest, bucket: str) -> tuple[str, list[str], list[str]]:
    """The folder the user was in, and the keys and folders they chose, each checked and allowed for delete."""
    form = await request.form()
    prefix = check_prefix(str(form.get("prefix", "")))
    keys = [check_key(str(k)) for k in form.getall("key", [])]
    folders = [folder_prefix(str(f)) for f in form.getall("folder", [])]
    if not keys and not folders:
        raise BadRequest("Select at least one object or folder to delete.")
    if len(keys) > MAX_SELECTED_KEYS or len(folders) > MAX_SELECTED_FOLDERS:
        raise BadRequest(f"Select at most {MAX_SELECTED_KEYS:,} objects and {MAX_SELECTED_FOLDERS} folders at a time.")
    for key in keys + folders:
        allow(request, "delete", bucket, key)
    return prefix, keys, folders


def describe(report: DeleteReport) -> str:
    """Say exactly what went and what remains: a partial failure must not look like success."""
    text = f"Deleted {report.deleted} object{'s' if report.deleted != 1 else ''}."
    if report.failed:
        remaining = "; ".join(f"{key} ({reason})" for key, reason in report.failed[:20])
        more = f" and {len(report.failed) - 20} more" if len(report.failed) > 20 else ""
        text += f" {len(report.failed)} could not be deleted and remain: {remaining}{more}."
    return text


class ObjectsController(Controller):
    path = "/b/{bucket:str}"
    include_in_schema = False
    guards = [valid_bucket]

    @get("/download", name="download")
    async def download(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        key: FromQuery[str],
        version: FromQuery[str | None] = None,
    ) -> Redirect:
        """303 to a GET URL signed now, which saves the object (or one `version` of it) under its own name."""
        allow(request, "read", bucket, check_key(key))
        await storage.head(bucket, key, version)  # a readable 404 here beats the store's XML later
        seconds = default_lifetime(request)
        url = storage.presign_get(bucket, key, content_disposition(key), seconds, version)
        presigned(request, "GET", bucket, key, seconds, purpose="download", **({"version": version} if version else {}))
        return Redirect(url, status_code=303, headers={"Cache-Control": "no-store"})

    @get("/object", name="object_details")
    async def details(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        key: FromQuery[str],
    ) -> Template:
        """Size, ETag, type, dates, storage class, user metadata, tags and versions of one object."""
        allow(request, "read", bucket, check_key(key))
        return await details_view(request, storage, bucket, key)

    @post("/edit", name="object_edit", status_code=200)
    async def edit(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Replace content type, cache control, disposition and user metadata (a copy onto itself), then the tags."""
        form = await request.form()
        key = check_key(str(form.get("key", "")))
        allow(request, "write", bucket, key)
        headers = {name: str(form.get(field, "")).strip() for field, name in EDITABLE_HEADERS.items()}
        metadata = check_metadata(parse_pairs(str(form.get("metadata", "")), ":", "Metadata"))
        tags = check_tags(parse_pairs(str(form.get("tags", "")), "=", "Tags"))
        with audited(request, "object.edit", bucket=bucket, key=key, metadata=sorted(metadata), tags=sorted(tags)):
            await storage.edit(bucket, key, headers, metadata)
            await storage.set_tags(bucket, key, tags)
        return await after_object_change(request, storage, bucket, key, "Saved.")

    @post("/restore", name="version_restore", status_code=200)
    async def restore(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Copy an old version over the key: it becomes the current one, and every version stays."""
        key, version = await version_form(request)
        allow(request, "write", bucket, key)
        with audited(request, "version.restore", bucket=bucket, key=key, version=version):
            await storage.restore_version(bucket, key, version)
        return await after_object_change(request, storage, bucket, key, f"Restored version {version}.")

    @post("/retention", name="object_retention_set", status_code=200)
    async def set_retention(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Retain an object until a date, within what its retention in force permits (gateway/rules/retention.py)."""
        form = await request.form()
        key, mode = check_key(str(form.get("key", ""))), str(form.get("mode", ""))
        principal = allow(request, "admin", bucket, key)
        until = retain_until(str(form.get("until", "")), datetime.now(UTC))
        current = await storage.head(bucket, key)
        bypass = needs_bypass(current.get("ObjectLockMode"), current.get("ObjectLockRetainUntilDate"), mode, until)
        if bypass and not principal.may("bypass_governance", bucket, key):
            raise AccessDenied("Shortening or changing a GOVERNANCE retention takes the bypass_governance grant.")
        with audited(request, "object.retention", bucket=bucket, key=key, mode=mode, until=until.isoformat()):
            await storage.set_retention(bucket, key, mode, until, bypass)
        return await after_object_change(request, storage, bucket, key, f"Retained until {until.date()} ({mode}).")

    @post("/storage-class", name="object_storage_class_set", status_code=200)
    async def set_storage_class(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Move an object to another storage class (a copy onto itself, metadata and tags kept)."""
        form = await request.form()
        key, wanted = check_key(str(form.get("key", ""))), str(form.get("storage_class", ""))
        allow(request, "admin", bucket, key)
        if wanted not in ("STANDARD", *STORAGE_CLASSES):
            raise BadRequest(f"The storage class is one of STANDARD, {', '.join(STORAGE_CLASSES)}.")
        with audited(request, "object.storage_class", bucket=bucket, key=key, storage_class=wanted):
            await storage.change_class(bucket, key, wanted)
        return await after_object_change(request, storage, bucket, key, f"Moved to {wanted}.")

    @post("/restore-archived", name="object_restore_archived", status_code=200)
    async def restore_archived(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Ask for a readable copy of an archived object for some days; the details then show how it goes."""
        form = await request.form()
        key, days, tier = check_key(str(form.get("key", ""))), str(form.get("days", "")), str(form.get("tier", ""))
        allow(request, "admin", bucket, key)
        keep_days = whole_number(days, 1, 365)
        if keep_days is None:
            raise BadRequest(f"Keep the restored copy 1 to 365 days, not {days!r}.")
        if tier not in RESTORE_TIERS:
            raise BadRequest(f"The restore tier is one of {', '.join(RESTORE_TIERS)}.")
        with audited(request, "object.restore", bucket=bucket, key=key, days=keep_days, tier=tier):
            await storage.restore_archived(bucket, key, keep_days, tier)
        return await after_object_change(request, storage, bucket, key, f"Restore asked for ({tier}, {days} days).")

    @post("/legal-hold", name="object_legal_hold_set", status_code=200)
    async def set_legal_hold(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """A legal hold keeps an object from deletion until it is lifted, whatever its retention."""
        form = await request.form()
        key, on = check_key(str(form.get("key", ""))), form.get("hold") == "ON"
        allow(request, "admin", bucket, key)
        with audited(request, "object.legal_hold", bucket=bucket, key=key, hold=on):
            await storage.set_legal_hold(bucket, key, on)
        return await after_object_change(request, storage, bucket, key, f"Legal hold {'on' if on else 'lifted'}.")

    @post("/undelete", name="object_undelete", status_code=200)
    async def undelete(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Bring a deleted object back: remove the delete marker that hides it (a versioned bucket keeps the rest)."""
        key, marker = await version_form(request)
        allow(request, "write", bucket, key)
        with audited(request, "object.undelete", bucket=bucket, key=key, version=marker):
            await storage.undelete(bucket, key, marker)
        notice = f"Brought back {last_segment(key)}."
        location = build_url(request, "folder_versions", {"prefix": folder_of(key)}, bucket=bucket)
        if wants_partial(request):
            view = await versions_view(request, storage, bucket, folder_of(key), notice)
            view.headers["HX-Replace-Url"] = location
            return view
        return Redirect(location, status_code=303)

    @post("/delete-version", name="version_delete", status_code=200)
    async def delete_version(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Delete one version or delete marker for good (the page asks first)."""
        key, version = await version_form(request)
        allow(request, "delete", bucket, key)
        with audited(request, "version.delete", bucket=bucket, key=key, version=version):
            await storage.delete_version(bucket, key, version)
        return await after_object_change(request, storage, bucket, key, f"Deleted version {version}.")

    @post("/uploads", name="upload_urls", status_code=200)
    async def upload_urls(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        data: JSONBody[UploadRequest],
    ) -> dict[str, Any]:
        """Presigned PUTs for a batch of files, saying which would replace an existing object."""
        prefix = check_prefix(data.prefix)
        if not 1 <= len(data.files) <= MAX_FILES_PER_REQUEST:
            raise BadRequest(f"Ask for 1 to {MAX_FILES_PER_REQUEST} files at a time.")
        keys = [check_key(prefix + spec.path) for spec in data.files]
        cap, own_cap = upload_size_cap(request), own_upload_cap(request)
        sizes = [check_size(spec.size, cap, own_cap) for spec in data.files]
        for key in keys:
            allow(request, "write", bucket, key)
        seconds = default_lifetime(request)
        existing = await storage.existing(bucket, keys)
        uploads = []
        for key, spec, size in zip(keys, data.files, sizes, strict=True):
            content_type = spec.type or "application/octet-stream"
            uploads.append(
                {
                    "key": key,
                    "url": storage.presign_put(bucket, key, content_type, seconds, size),
                    "headers": {"Content-Type": content_type},
                    "exists": key in existing,
                }
            )
            presigned(request, "PUT", bucket, key, seconds, purpose="upload")
        return {"uploads": uploads}

    @get("/upload", name="upload_form")
    async def upload_form(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str] = "",
    ) -> Template:
        """Uploading without scripts: a form that posts one file straight to the store under a POST policy signed
        now (the folder, the size cap), and a redirect back to the folder, which a form navigation needs no CORS
        for. The file keeps its name; one already there by that name is replaced, as the page says."""
        folder = folder_of(check_prefix(prefix))
        allow(request, "write", bucket, folder)
        seconds = default_lifetime(request)
        back = build_url(request, "form_uploaded", {}, bucket=bucket)
        policy = PostPolicy(max_size=upload_size_cap(request), redirect=f"{request.base_url}".rstrip("/") + back)
        form = storage.presign_post(bucket, folder + "${filename}", policy, seconds)
        presigned(request, "POST", bucket, folder, seconds, purpose="form upload")
        context = {"bucket": bucket, "folder": folder, "form": form, "max_size": policy.max_size}
        return page_or_partial(request, "pages/upload_form.html", "partials/upload_form.html", context)

    @get("/uploaded", name="form_uploaded")
    async def form_uploaded(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str], key: FromQuery[str]
    ) -> Template:
        """Where the store sends a form upload back: the file's folder, saying what arrived. The store adds `key`
        to this address (AWS keeps our query, SeaweedFS replaces it, so the address carries nothing of ours)."""
        check_key(key)
        return await folder_view(request, storage, bucket, folder_of(key), notice=f"Uploaded {key}.")

    @post("/folders", name="folder_create", status_code=200)
    async def create_folder(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """A folder is a zero-byte object whose key ends in '/', as the S3 console makes them."""
        form = await request.form()
        parent = folder_of(check_prefix(str(form.get("prefix", ""))))
        name = str(form.get("name", "")).strip()
        key = new_folder_key(parent, name)
        allow(request, "write", bucket, key)
        with audited(request, "folder.create", bucket=bucket, key=key):
            await storage.put_empty(bucket, key)
        return await after_change(request, storage, bucket, parent, f"Created folder {name}.")

    @get("/delete", name="object_delete_confirm")
    async def confirm_delete_object(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str], key: FromQuery[str]
    ) -> Template:
        """One object's delete, confirmed on a page of its own: a URL the row menu and the Delete key open."""
        allow(request, "delete", bucket, check_key(key))
        head = await storage.head(bucket, key)  # a missing object is a 404 here, not a confirmation of nothing
        context = {"bucket": bucket, "key": key, "size": head.get("ContentLength", 0), "folder": folder_of(key)}
        return page_or_partial(
            request, "pages/confirm_delete_object.html", "partials/confirm_delete_object.html", context
        )

    @post("/delete-selection", name="selection_delete_confirm", status_code=200)
    async def confirm_delete_selection(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """The selected rows' delete, confirmed on a page that counts what each selected folder holds."""
        prefix, keys, folders = await selection_form(request, bucket)
        counts = await asyncio.gather(*(storage.count_under(bucket, folder) for folder in folders))
        context = {"bucket": bucket, "folder": prefix, "keys": keys, "folders": list(zip(folders, counts, strict=True))}
        return page_or_partial(
            request, "pages/confirm_delete_selection.html", "partials/confirm_delete_selection.html", context
        )

    @post("/delete", name="objects_delete", status_code=200)
    async def delete_objects(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Delete the selected keys and folders (one or many), then show where the user was."""
        prefix, keys, folders = await selection_form(request, bucket)
        with audited(request, "object.delete", bucket=bucket, keys=keys, folders=folders) as event:
            reports = [await storage.delete_keys(bucket, keys)] if keys else []
            reports += [await storage.delete_folder(bucket, folder) for folder in folders]
            report = DeleteReport.combined(reports)
            event.update(report.audit_fields())
        return await after_change(request, storage, bucket, prefix, describe(report), incomplete=bool(report.failed))

    @get("/delete-folder", name="folder_delete_confirm")
    async def confirm_delete_folder(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        prefix: FromQuery[str],
    ) -> Template:
        """Count first, so the confirmation says how many objects will go."""
        folder = folder_prefix(prefix)
        allow(request, "delete", bucket, folder)
        count = await storage.count_under(bucket, folder)
        context = {"bucket": bucket, "folder": folder, "count": count, "parent": parent_of(folder)}
        return page_or_partial(request, "pages/confirm_delete.html", "partials/confirm_delete.html", context)

    @post("/delete-folder", name="folder_delete", status_code=200)
    async def delete_folder(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        form = await request.form()
        folder = folder_prefix(str(form.get("prefix", "")))
        allow(request, "delete", bucket, folder)
        with audited(request, "folder.delete", bucket=bucket, prefix=folder) as event:
            report = await storage.delete_folder(bucket, folder)
            event.update(report.audit_fields())
        notice = f"Folder {folder}: " + describe(report)
        return await after_change(request, storage, bucket, parent_of(folder), notice, incomplete=bool(report.failed))

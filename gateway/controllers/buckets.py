"""The bucket list: see, create and delete buckets."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.controllers.shared import valid_bucket
from gateway.errors import BadRequest
from gateway.observability.audit import audited
from gateway.responses import page_or_partial, wants_partial
from gateway.rules.keys import check_bucket_name
from gateway.s3 import S3Storage
from gateway.security.auth import allow, visible_buckets
from gateway.templating import build_url
from gateway.types import AnyRequest

REGION = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")


async def bucket_list(request: AnyRequest, storage: S3Storage, notice: str | None = None) -> Response[Any]:
    buckets = await visible_buckets(request, storage)
    return page_or_partial(
        request, "pages/buckets.html", "partials/bucket_list.html", {"buckets": buckets, "notice": notice}
    )


class BucketsController(Controller):
    include_in_schema = False
    guards = [valid_bucket]

    @get("/", name="buckets")
    async def index(self, request: AnyRequest, storage: NamedDependency[S3Storage]) -> Response[Any]:
        return await bucket_list(request, storage)

    @get("/bucket-menu", name="bucket_menu")
    async def menu(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], current: FromQuery[str] = ""
    ) -> Template:
        """The header's bucket switcher, asked for when it is first opened: one ListBuckets call, not one a page."""
        buckets = await visible_buckets(request, storage)
        return Template(template_name="partials/bucket_menu.html", context={"buckets": buckets, "current": current})

    @post("/buckets", name="bucket_create", status_code=200)
    async def create(self, request: AnyRequest, storage: NamedDependency[S3Storage]) -> Response[Any]:
        form = await request.form()
        bucket = check_bucket_name(str(form.get("name", "")).strip())
        options = {option: form.get(option) == "on" for option in ("versioning", "object_lock")}
        region = str(form.get("region", "")).strip()
        if region and not REGION.fullmatch(region):
            raise BadRequest(f"A region is a name such as eu-west-1, not {region!r}.")
        allow(request, "write", bucket)
        if any(options.values()) or region:
            allow(request, "admin", bucket)  # a bucket's settings, chosen at its creation
        with audited(request, "bucket.create", bucket=bucket, region=region, **options):
            await storage.create_bucket(bucket, region=region, **options)
        if wants_partial(request):
            return await bucket_list(request, storage, f"Created bucket {bucket}.")
        return Redirect(build_url(request, "browse", bucket=bucket), status_code=303)

    @post("/b/{bucket:str}/delete-bucket", name="bucket_delete", status_code=200)
    async def delete(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        """Delete an empty bucket; the store refuses a non-empty one and the user is told why (409)."""
        allow(request, "delete", bucket)
        with audited(request, "bucket.delete", bucket=bucket):
            await storage.delete_bucket(bucket)
        if wants_partial(request):
            return await bucket_list(request, storage, f"Deleted bucket {bucket}.")
        return Redirect(build_url(request, "buckets"), status_code=303)

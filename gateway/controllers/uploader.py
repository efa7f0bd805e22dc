"""A page with the vendored, unmodified Uppy (Dashboard + AwsS3), uploading through the /s3/ routes."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from gateway.rules.keys import check_bucket_name, check_prefix
from gateway.s3 import S3Storage


@get("/uppy", name="uppy_page", include_in_schema=False)
async def uppy_page(
    storage: NamedDependency[S3Storage], bucket: FromQuery[str | None] = None, prefix: FromQuery[str] = ""
) -> Template:
    """Uploads go to `bucket`/`prefix` when the configuration lets metadata choose, else to the configured target."""
    settings = storage.settings
    target_bucket, target_prefix = settings.upload_bucket, settings.upload_prefix
    if settings.upload_target_from_metadata and bucket:
        target_bucket, target_prefix = check_bucket_name(bucket), check_prefix(prefix)
    context = {
        "target_bucket": target_bucket,
        "target_prefix": target_prefix,
        "threshold": settings.multipart_threshold,
        "method": settings.uppy_upload_method,
        "notice": None if target_bucket else "No upload target: set S3M_UPLOAD_BUCKET (see the README).",
        "level": "error",
    }
    return Template(template_name="pages/uppy.html", context=context)

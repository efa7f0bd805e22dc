"""Configuration from the environment: the only module that reads it.

Credentials are deliberately absent: boto3's own chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, instance roles ...)
finds them, so every way AWS users already configure tools keeps working.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """templates/ or static/: inside the package when it was installed from a wheel, else next to it (a checkout, an
    editable install, the image's /app)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES, STATIC = shipped("templates"), shipped("static")

ADDRESSING_STYLES = ("auto", "path", "virtual")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("debug", "info", "warning", "error")
UPPY_UPLOAD_METHODS = ("post", "put")


class SettingsError(ValueError):
    """A variable holds a value we cannot use; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the gateway needs to know, with a default for each field."""

    endpoint_url: str | None = None
    """S3_ENDPOINT_URL: where the gateway talks to the store; unset means AWS."""

    public_endpoint_url: str | None = None
    """S3_PUBLIC_ENDPOINT_URL: where browsers reach the store, if not at endpoint_url. URLs are signed for it."""

    region: str | None = None
    """AWS_REGION (or AWS_DEFAULT_REGION): the region requests are signed for."""

    addressing_style: str = "auto"
    """S3_ADDRESSING_STYLE: auto, path or virtual. Path suits MinIO, SeaweedFS and moto."""

    connect_timeout: float = 3.0
    """S3_CONNECT_TIMEOUT: seconds to wait for a connection to the store."""

    read_timeout: float = 10.0
    """S3_READ_TIMEOUT: seconds to wait for the store to answer."""

    page_size: int = 200
    """S3M_PAGE_SIZE: rows per listing page (1 to 1000, S3's own cap)."""

    url_expires: int = 3600
    """S3M_URL_EXPIRES: lifetime in seconds of the presigned URLs the explorer hands out."""

    max_url_expires: int = 86400
    """S3M_MAX_URL_EXPIRES: the longest lifetime in seconds an API caller may ask for (at most SigV4's 604800)."""

    max_upload_size: int = 5 * 1024**3
    """S3M_MAX_UPLOAD_SIZE: the largest object a POST policy admits, in bytes (S3's own cap for one POST: 5 GiB)."""

    multipart_threshold: int = 100 * 1024**2
    """S3M_MULTIPART_THRESHOLD: files larger than this many bytes upload from the explorer in parts."""

    part_size: int = 8 * 1024**2
    """S3M_PART_SIZE: the explorer's part size in bytes (S3's minimum: 5 MiB), raised when a file needs >10,000."""

    upload_bucket: str | None = None
    """S3M_UPLOAD_BUCKET: where the Uppy-compatible /s3/ routes put uploads, unless metadata may choose."""

    upload_prefix: str = ""
    """S3M_UPLOAD_PREFIX: the key prefix of those uploads."""

    upload_target_from_metadata: bool = False
    """S3M_UPLOAD_TARGET_FROM_METADATA: let an upload's metadata (bucket, prefix) choose where it goes."""

    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    """S3M_SECRET_KEY: signs CSRF tokens. Set it when several replicas serve the same users."""

    log_format: str = "text"
    """S3M_LOG_FORMAT: text (readable, the default) or json (one object per line, for log shippers)."""

    log_level: str = "info"
    """S3M_LOG_LEVEL: debug, info, warning or error. Health probes are logged at debug."""

    metrics: bool = True
    """S3M_METRICS: serve Prometheus metrics at /metrics."""

    metrics_token: str | None = field(default=None, repr=False)
    """S3M_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`."""

    audit_url: str | None = None
    """S3M_AUDIT_S3_URL: s3://BUCKET/PREFIX to also append audit events to, as JSON lines in batches."""

    audit_flush_seconds: float = 10.0
    """S3M_AUDIT_FLUSH_SECONDS: how long audit events wait at most before their batch is written to S3."""

    secure_cookies: bool = False
    """S3M_SECURE_COOKIES: the gateway is served over HTTPS (directly or behind a TLS proxy): cookies get `Secure`,
    and responses carry Strict-Transport-Security."""

    access_file: Path | None = None
    """S3M_ACCESS_FILE: the users, API tokens, proxy and grants (security/grants.py). Unset: no sign-in at all."""

    allow_anonymous: bool = False
    """S3M_ALLOW_ANONYMOUS: let `serve` run without an access file on an address other than loopback."""

    read_only: bool = False
    """S3M_READ_ONLY: refuse every change and every upload URL, whoever asks."""

    session_seconds: int = 43200
    """S3M_SESSION_SECONDS: how long a sign-in lasts."""

    share_epoch: int = 0
    """S3M_SHARE_EPOCH: raise it to revoke every gateway share link given so far."""

    max_share_seconds: int = 365 * 86400
    """S3M_MAX_SHARE_SECONDS: the longest a gateway share link may last."""

    scan_limit: int = 100_000
    """S3M_SCAN_LIMIT: keys one request of a search or a folder size may list; the answer says where to go on."""

    scan_seconds: float = 20.0
    """S3M_SCAN_SECONDS: how long one such request may list before it answers with where to go on."""

    state_url: str | None = None
    """S3M_STATE_S3_URL: s3://BUCKET/PREFIX where the gateway keeps what must outlive a request (sessions ended by
    signing out, gateway share links). Unset: signing out only drops the cookie, and gateway links are off."""

    inline_markup: bool = False
    """S3M_INLINE_MARKUP: let HTML, SVG and XML objects be handed out as `inline` presigned GETs. Off: they are
    always downloads, because the store's origin may be on the same site as the gateway (see the README)."""

    uppy_upload_method: str = "post"
    """S3M_UPPY_UPLOAD_METHOD: how Uppy's small uploads go, `post` (a POST policy) or `put` (a presigned PUT), for
    stores whose POST answer exposes no ETag (moto): Uppy 5 waits for it forever."""

    copy_tags_again: bool = False
    """S3M_COPY_TAGS_AGAIN: the store drops an object's tags when it copies it (s3rver does; S3 keeps them): copies
    and moves read the tags and set them on the copy, one more call per copied object."""

    template_dir: Path = TEMPLATES
    static_dir: Path = STATIC

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the variables above; an unset or empty variable keeps its default."""

        def get(name: str) -> str | None:
            return environ.get(name) or None

        values: dict[str, object] = {
            "endpoint_url": get("S3_ENDPOINT_URL"),
            "public_endpoint_url": get("S3_PUBLIC_ENDPOINT_URL"),
            "region": get("AWS_REGION") or get("AWS_DEFAULT_REGION"),
            "addressing_style": get("S3_ADDRESSING_STYLE"),
            "connect_timeout": _number(environ, "S3_CONNECT_TIMEOUT", float),
            "read_timeout": _number(environ, "S3_READ_TIMEOUT", float),
            "page_size": _number(environ, "S3M_PAGE_SIZE", int),
            "url_expires": _number(environ, "S3M_URL_EXPIRES", int),
            "max_url_expires": _number(environ, "S3M_MAX_URL_EXPIRES", int),
            "max_upload_size": _number(environ, "S3M_MAX_UPLOAD_SIZE", int),
            "multipart_threshold": _number(environ, "S3M_MULTIPART_THRESHOLD", int),
            "part_size": _number(environ, "S3M_PART_SIZE", int),
            "upload_bucket": get("S3M_UPLOAD_BUCKET"),
            "upload_prefix": get("S3M_UPLOAD_PREFIX"),
            "upload_target_from_metadata": _flag(environ, "S3M_UPLOAD_TARGET_FROM_METADATA"),
            "secret_key": get("S3M_SECRET_KEY"),
            "log_format": (get("S3M_LOG_FORMAT") or "").lower() or None,
            "log_level": (get("S3M_LOG_LEVEL") or "").lower() or None,
            "metrics": _flag(environ, "S3M_METRICS"),
            "metrics_token": get("S3M_METRICS_TOKEN"),
            "audit_url": get("S3M_AUDIT_S3_URL"),
            "audit_flush_seconds": _number(environ, "S3M_AUDIT_FLUSH_SECONDS", float),
            "secure_cookies": _flag(environ, "S3M_SECURE_COOKIES"),
            "access_file": Path(raw) if (raw := get("S3M_ACCESS_FILE")) else None,
            "allow_anonymous": _flag(environ, "S3M_ALLOW_ANONYMOUS"),
            "read_only": _flag(environ, "S3M_READ_ONLY"),
            "session_seconds": _number(environ, "S3M_SESSION_SECONDS", int),
            "share_epoch": _number(environ, "S3M_SHARE_EPOCH", int),
            "max_share_seconds": _number(environ, "S3M_MAX_SHARE_SECONDS", int),
            "scan_limit": _number(environ, "S3M_SCAN_LIMIT", int),
            "scan_seconds": _number(environ, "S3M_SCAN_SECONDS", float),
            "state_url": get("S3M_STATE_S3_URL"),
            "inline_markup": _flag(environ, "S3M_INLINE_MARKUP"),
            "uppy_upload_method": (get("S3M_UPPY_UPLOAD_METHOD") or "").lower() or None,
            "copy_tags_again": _flag(environ, "S3M_COPY_TAGS_AGAIN"),
        }
        settings = cls(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse values the store or browsers would reject later, with a message that says where."""
        if self.addressing_style not in ADDRESSING_STYLES:
            raise SettingsError(
                f"S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, not {self.addressing_style!r}"
            )
        for name, url in (("S3_ENDPOINT_URL", self.endpoint_url), ("S3_PUBLIC_ENDPOINT_URL", self.public_endpoint_url)):
            if url is not None and not url.startswith(("http://", "https://")):
                raise SettingsError(f"{name} must start with http:// or https://, not {url!r}")
        if not 1 <= self.page_size <= 1000:
            raise SettingsError(f"S3M_PAGE_SIZE must be between 1 and 1000, not {self.page_size}")
        if not 1 <= self.url_expires <= 604800:
            raise SettingsError(
                f"S3M_URL_EXPIRES must be between 1 and 604800 (SigV4's 7 days), not {self.url_expires}"
            )
        if not self.url_expires <= self.max_url_expires <= 604800:
            raise SettingsError(
                f"S3M_MAX_URL_EXPIRES must be between S3M_URL_EXPIRES ({self.url_expires}) and 604800, "
                f"not {self.max_url_expires}"
            )
        if self.part_size < 5 * 1024**2:
            raise SettingsError(f"S3M_PART_SIZE must be at least 5 MiB (5242880), S3's minimum, not {self.part_size}")
        if self.max_upload_size < 1 or self.multipart_threshold < 1:
            raise SettingsError("S3M_MAX_UPLOAD_SIZE and S3M_MULTIPART_THRESHOLD must be positive")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise SettingsError("S3_CONNECT_TIMEOUT and S3_READ_TIMEOUT must be positive")
        if self.log_format not in LOG_FORMATS:
            raise SettingsError(f"S3M_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {self.log_format!r}")
        if self.log_level not in LOG_LEVELS:
            raise SettingsError(f"S3M_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {self.log_level!r}")
        for name, s3_url in (("S3M_AUDIT_S3_URL", self.audit_url), ("S3M_STATE_S3_URL", self.state_url)):
            if s3_url is not None and not s3_url.startswith("s3://"):
                raise SettingsError(f"{name} must look like s3://BUCKET/PREFIX, not {s3_url!r}")
        if self.uppy_upload_method not in UPPY_UPLOAD_METHODS:
            raise SettingsError(f"S3M_UPPY_UPLOAD_METHOD must be post or put, not {self.uppy_upload_method!r}")
        if self.max_share_seconds < 60:
            raise SettingsError("S3M_MAX_SHARE_SECONDS must be at least 60")
        if self.scan_limit < 1000 or self.scan_seconds <= 0:
            raise SettingsError("S3M_SCAN_LIMIT must be at least 1000 (one listing page) and S3M_SCAN_SECONDS positive")
        if self.session_seconds < 60:
            raise SettingsError("S3M_SESSION_SECONDS must be at least 60")
        if self.audit_flush_seconds <= 0:
            raise SettingsError("S3M_AUDIT_FLUSH_SECONDS must be positive")


def _number(environ: Mapping[str, str], name: str, kind: type[int] | type[float]) -> int | float | None:
    raw = environ.get(name)
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a {kind.__name__}, not {raw!r}") from None


def _flag(environ: Mapping[str, str], name: str) -> bool | None:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")

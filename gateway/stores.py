"""The stores one gateway serves: each a name with its own endpoint, credentials and bucket list.

They are read from the access file, beside the users and grants that name them:

    [stores.default]                        # the store named `default` (else the first) is the default one
    endpoint = "http://minio:9000"
    [stores.archive]
    endpoint = "http://ceph:7480"
    public_endpoint = "https://ceph.example.com"   # where browsers reach it, if not at `endpoint`
    region = "eu-west-1"
    addressing_style = "path"
    connect_timeout = 3
    read_timeout = 10
    access_key_id_env = "ARCHIVE_KEY_ID"            # credentials: the names of the variables holding them,
    secret_access_key_env = "ARCHIVE_SECRET"        # or profile = "archive", or neither (boto3's own chain)
    buckets = ["cold"]                              # for credentials without ListAllMyBuckets

Without [stores], the environment's S3_* and AWS_* variables make the one store `default`, as they always have.
The default store's pages are where they always were (/b/BUCKET); another store's are the same paths under
/store/NAME (/store/archive/b/BUCKET), the API's and Uppy's routes too. `StorePaths` takes that prefix off before
routing and tells the handlers which store the request is for.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from gateway.settings import ADDRESSING_STYLES, Settings, SettingsError
from gateway.types import AnyConnection

DEFAULT = "default"
PREFIX = "/store/"
STORE = "s3m_store"  # scope key: the name of the store a request is for
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
KEYS = frozenset(
    {
        "endpoint",
        "public_endpoint",
        "region",
        "addressing_style",
        "connect_timeout",
        "read_timeout",
        "access_key_id_env",
        "secret_access_key_env",
        "session_token_env",
        "access_key_id",
        "secret_access_key",
        "profile",
        "buckets",
    }
)


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """One store: the gateway's settings with its endpoint, region, addressing and timeouts, and how to sign in."""

    name: str
    settings: Settings
    credentials: tuple[str, str, str | None] | None = field(default=None, repr=False)
    """Keys given in the file or by the variables it names; None: the profile, or boto3's own chain."""
    profile: str | None = None
    buckets: tuple[str, ...] | None = None


def read_config(path: Path) -> dict[str, Any]:
    """The access file as TOML; a file that cannot be read or parsed stops start-up with where it is wrong."""
    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"S3M_ACCESS_FILE {path}: {exc}") from None


def store_names(raw: dict[str, Any]) -> tuple[str, ...]:
    """The names of the stores the file configures, the default one first: `default` if there is one, else the
    first. Only `default` without [stores]."""
    sections = raw.get("stores")
    names = list(sections) if isinstance(sections, dict) and sections else [DEFAULT]
    first = DEFAULT if DEFAULT in names else names[0]
    return (first, *(n for n in names if n != first))


def load_stores(settings: Settings, raw: dict[str, Any] | None = None) -> tuple[StoreConfig, ...]:
    """The configured stores, the default one first. `raw` is the access file, read already; None reads it."""
    if raw is None:
        raw = read_config(settings.access_file) if settings.access_file else {}
    listed = raw.get("buckets")
    top_buckets = tuple(str(b) for b in listed) if isinstance(listed, list) else None
    sections = raw.get("stores")
    if not sections:
        return (StoreConfig(DEFAULT, settings, buckets=top_buckets),)
    if not isinstance(sections, dict):
        raise SettingsError(f"{settings.access_file}: stores must be tables, as [stores.NAME]")
    default, *others = store_names(raw)
    return (
        _store(default, sections[default], settings, top_buckets, settings.access_file),
        *(_store(name, sections[name], settings, None, settings.access_file) for name in others),
    )


def _store(
    name: str, entry: Any, settings: Settings, top_buckets: tuple[str, ...] | None, path: Path | None
) -> StoreConfig:
    where = f"{path}: [stores.{name}]"
    if not NAME.fullmatch(name):
        raise SettingsError(f"{where}: a store's name is 1 to 32 lowercase letters, digits, '-' or '_'")
    if not isinstance(entry, dict):
        raise SettingsError(f"{where} must be a table")
    unknown = set(entry) - KEYS
    if unknown:
        raise SettingsError(f"{where}: unknown setting {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    try:
        own = replace(
            settings,
            endpoint_url=entry.get("endpoint"),
            public_endpoint_url=entry.get("public_endpoint"),
            region=entry.get("region", settings.region),
            addressing_style=entry.get("addressing_style", "auto"),
            connect_timeout=float(entry.get("connect_timeout", settings.connect_timeout)),
            read_timeout=float(entry.get("read_timeout", settings.read_timeout)),
        )
        own.check()
    except (SettingsError, TypeError, ValueError) as exc:
        said = str(exc).replace("S3_ENDPOINT_URL", "endpoint").replace("S3_PUBLIC_ENDPOINT_URL", "public_endpoint")
        said = said.replace("S3_ADDRESSING_STYLE", "addressing_style")
        raise SettingsError(f"{where}: {said} (addressing styles: {', '.join(ADDRESSING_STYLES)})") from None
    buckets = entry.get("buckets")
    if buckets is not None and not (isinstance(buckets, list) and all(isinstance(b, str) for b in buckets)):
        raise SettingsError(f"{where}: buckets must be a list of bucket names")
    profile = entry.get("profile")
    credentials = _credentials(entry, where)
    if profile is not None and credentials is not None:
        raise SettingsError(f"{where}: give either a profile or keys, not both")
    return StoreConfig(
        name, own, credentials, str(profile) if profile else None, tuple(buckets) if buckets else top_buckets
    )


def _credentials(entry: dict[str, Any], where: str) -> tuple[str, str, str | None] | None:
    """The keys the entry gives, directly or by naming the variables that hold them; a named variable that is not
    set is an error, so a store never falls back to another store's credentials."""

    def value(name: str) -> str | None:
        if name in entry:
            return str(entry[name])
        variable = entry.get(f"{name}_env")
        if variable is None:
            return None
        found = os.environ.get(str(variable))
        if not found:
            raise SettingsError(f"{where}: {name}_env names {variable}, which is not set")
        return found

    key_id, secret, token = value("access_key_id"), value("secret_access_key"), value("session_token")
    if key_id is None and secret is None:
        return None
    if key_id is None or secret is None:
        raise SettingsError(f"{where}: give both access_key_id and secret_access_key (or their _env names)")
    return key_id, secret, token


def store_of(scope: Scope | dict[str, Any]) -> str:
    """The name of the store a request is for (StorePaths put it there)."""
    return cast(str, cast(dict[str, Any], scope)[STORE])


def path_prefix(request: AnyConnection) -> str:
    """What URLs of the request's store start with: nothing for the default store."""
    name = store_of(request.scope)
    return "" if name == request.app.state.default_store else PREFIX + name


def store_mark(request: AnyConnection) -> str:
    """What a token signed for the request's store adds to its purpose: nothing for the default store (tokens made
    before there were several stores keep working), '@NAME' for another, so a token opens in no other store."""
    name = store_of(request.scope)
    return "" if name == request.app.state.default_store else "@" + name


class StorePaths:
    """ASGI wrapper: /store/NAME/rest is routed as /rest for store NAME; every other path is the default store's.
    An unknown NAME is still routed, so the handler answers 404 with a sentence naming it (gateway/deps.py)."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app, self.default = app, default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fields = cast(dict[str, Any], scope)
        fields[STORE] = self.default
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(PREFIX):
            # Changed in place, so the request observer around this sees what Litestar sets (route, user). Not
            # a root_path: Litestar's URLs would repeat it. raw_path goes, so nothing reads the old path.
            fields[STORE], _, rest = scope["path"][len(PREFIX) :].partition("/")
            fields["path"] = "/" + rest
            fields.pop("raw_path", None)
        await self.app(scope, receive, send)

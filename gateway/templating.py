"""The Jinja environment: autoescaping, StrictUndefined, and the few helpers templates need."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from gateway.security.auth import visible_stores
from gateway.security.csrf import csrf_token
from gateway.settings import Settings
from gateway.stores import PREFIX, store_of
from gateway.types import AnyRequest

Query = Mapping[str, str | None] | None


GATEWAY_ROUTES = frozenset(
    {
        "login",
        "login_submit",
        "logout",
        "oidc_start",
        "oidc_callback",
        "share_list",
        "share_revoke",
        "healthz",
        "readyz",
    }
)
"""Routes of the gateway as a whole, the same for every store."""


def build_url(request: AnyRequest, route_name: str, query: Query = None, **path: Any) -> str:
    """A route's URL with a query string, under the request's store (gateway/stores.py). Keys travel in the query,
    percent-encoded, so they arrive unchanged."""
    return url_in(request, store_of(request.scope), route_name, query, **path)


def url_in(request: AnyRequest, store: str, route_name: str, query: Query = None, **path: Any) -> str:
    """`build_url` for a route of `store`, which may be another than the request's (a copy's target)."""
    url = request.app.route_reverse(route_name, **path)
    if route_name not in GATEWAY_ROUTES and store != request.app.state.default_store:
        url = PREFIX + store + url
    return with_query(url, query)


def with_query(url: str, query: Query) -> str:
    """`url` plus the non-empty `query` values; a filter too, so a page reverses each route once, not per row."""
    params = {k: v for k, v in (query or {}).items() if v}
    return f"{url}?{urlencode(params, quote_via=quote)}" if params else url


def link(context: Mapping[str, Any], /, route_name: str, query: Query = None, **path: Any) -> str:
    """`build_url` for templates, which know the request from their context."""
    return build_url(context["request"], route_name, query, **path)


def link_in(context: Mapping[str, Any], /, store: str, route_name: str, query: Query = None, **path: Any) -> str:
    """`url_in` for templates."""
    return url_in(context["request"], store, route_name, query, **path)


def store_menu(context: Mapping[str, Any], /) -> list[dict[str, Any]]:
    """The stores the caller may see, each with its bucket list's address, for the header's switcher; empty when
    they see one store (nothing to switch to)."""
    request = context["request"]
    stores = request.app.state.stores
    if len(stores) < 2 or (request.app.state.access is not None and request.scope.get("user") is None):
        return []  # one store, or a public page (sign-in, errors) before anyone signed in
    here = store_of(request.scope)
    menu = [
        {"name": name, "href": url_in(request, name, "buckets"), "current": name == here}
        for name in visible_stores(request)
    ]
    return menu if len(menu) > 1 and here in (store["name"] for store in menu) else []


def human_size(size: int) -> str:
    """Sizes as people read them: 999 B, 1.0 KiB, 12.3 MiB."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def signed_in_as(context: Mapping[str, Any], /) -> str | None:
    """The name of the user signed in with a session, who can sign out; None for tokens, proxies and no sign-in."""
    principal = context["request"].scope.get("user")
    return principal.name if principal is not None and principal.kind in ("user", "oidc") else None


def duration(seconds: int) -> str:
    """A lifetime as people say it: 30 minutes, 12 hours, 7 days."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def isotime(value: datetime | None) -> str:
    """A timestamp as 2026-11-24 22:10 UTC, or an empty cell."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, whatever the number of environments (an app each): compiling the
    listing's templates costs 60 ms. Jinja checks each entry against its template's source before using it."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


def make_environment(settings: Settings) -> Environment:
    """The templates' environment, shared by the app and the static export."""
    env = Environment(
        loader=FileSystemLoader(settings.template_dir),
        autoescape=True,
        undefined=StrictUndefined,
        bytecode_cache=COMPILED,
    )
    env.filters["filesize"] = human_size
    env.filters["isotime"] = isotime
    env.filters["duration"] = duration
    env.filters["with_query"] = with_query
    return env


def make_template_config(settings: Settings) -> TemplateConfig[JinjaTemplateEngine]:
    engine = JinjaTemplateEngine.from_environment(make_environment(settings))
    engine.register_template_callable("link", link)
    engine.register_template_callable("link_in", link_in)
    engine.register_template_callable("csrf_token", csrf_token)
    engine.register_template_callable("signed_in_as", signed_in_as)  # bound to the session, not Litestar's
    engine.register_template_callable("store_menu", store_menu)
    return TemplateConfig(instance=engine)

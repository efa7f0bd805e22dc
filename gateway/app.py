"""The application factory: wires settings, routes, templates, static files, CSRF, error pages, logs and metrics."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Server, ServerVariable
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from gateway import __version__
from gateway.controllers import ROUTE_HANDLERS
from gateway.controllers.metrics import metrics
from gateway.deps import known_store, provide_storage
from gateway.lifespan import storage_lifespan
from gateway.observability.logs import configure_logging
from gateway.observability.requests import RequestObserver
from gateway.responses import EXCEPTION_HANDLERS
from gateway.security.auth import authenticate
from gateway.security.compression import COMPRESSION, NoCompressionAcrossSites
from gateway.security.csrf import CsrfGuard
from gateway.security.grants import load_access
from gateway.security.headers import security_headers
from gateway.settings import Settings
from gateway.stores import StorePaths, load_stores
from gateway.templating import make_template_config


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the app; granian calls this with no argument (settings from the environment), tests pass their own."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    access = load_access(settings.access_file) if settings.access_file else None
    stores = load_stores(settings)
    static = create_static_files_router(
        path="/static", directories=[settings.static_dir], name="static", include_in_schema=False, opt={"public": True}
    )
    handlers: list[ControllerRouterHandler] = [*ROUTE_HANDLERS, static, *([metrics] if settings.metrics else [])]
    app = Litestar(
        route_handlers=handlers,
        dependencies={"storage": Provide(provide_storage, sync_to_thread=False)},
        lifespan=[storage_lifespan],
        state=State(
            {
                "settings": settings,
                "access": access,
                "store_configs": stores,
                "default_store": stores[0].name,
                "read_only": settings.read_only or bool(access and access.read_only),
                "oidc": {},  # per provider: its metadata and keys, fetched when first needed (controllers/login.py)
            }
        ),
        # Without an access file there is no sign-in: everyone is ANONYMOUS.
        guards=[authenticate, known_store] if access is not None else [known_store],
        template_config=make_template_config(settings),
        plugins=[HTMXPlugin()],
        # Outermost first: a cross-site request loses Accept-Encoding before compression reads it, then CSRF checks.
        middleware=[NoCompressionAcrossSites, DefineMiddleware(CsrfGuard, settings=settings)],
        compression_config=COMPRESSION,  # see security/compression.py
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="s3-manager",
            version=__version__,
            description="Presigned URLs for any S3-compatible store: object bytes never pass through the gateway.",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            servers=schema_servers(stores[0].name),
        ),
        # Logging is ours (observability/logs.py); unexpected errors are logged once, by responses.on_unexpected_error.
        logging_config=None,
    )
    trusts = access.trusts if access is not None and access.trusted_proxies else None
    issuers = [p.issuer for p in access.providers.values()] if access is not None else []
    headers = security_headers(stores[0].settings, [c.settings for c in stores[1:]], issuers)
    app.asgi_handler = RequestObserver(StorePaths(app.asgi_handler, stores[0].name), headers, trusts)
    return app


def schema_servers(default_store: str) -> list[Server]:
    """Every path of the schema answers for the default store as it is, and for any store under /store/NAME: the
    schema says so with a second server rather than a copy of each path. The names stay out of it (it is public)."""
    named = ServerVariable(default=default_store, description="A store's name, as in [stores.NAME] of the access file")
    return [
        Server(url="/", description=f"The default store ({default_store})"),
        Server(url="/store/{store}", description="Any store of the gateway, by name", variables={"store": named}),
    ]

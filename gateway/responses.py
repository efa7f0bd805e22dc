"""How results and errors become HTML: a full page, or for htmx the partial that page includes.

Errors have this one home. A page request gets pages/error.html with the true status; an htmx request gets the
message swapped into the #flash region, so the page around it keeps working.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Response
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.plugins.htmx import HTMXTemplate
from litestar.response import Redirect, Template

from gateway.errors import GatewayError, NotAuthenticated
from gateway.observability.requests import redacted
from gateway.stores import path_prefix
from gateway.templating import with_query
from gateway.types import AnyRequest

log = logging.getLogger("gateway")

VARY = {"Vary": "HX-Request"}
JSON_PATHS = ("/api/", "/s3/")


def wants_partial(request: AnyRequest) -> bool:
    """True for htmx swaps; a history restore (reload of a pushed URL after cache loss) needs the full page."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def page_or_partial(
    request: AnyRequest, page: str, partial: str, context: dict[str, Any], *, status_code: int = 200
) -> Template:
    """Render `partial` for htmx, with the page's title (fragment.html), and `page` (which includes `partial`)
    otherwise."""
    context = {"notice": None, **context}
    if wants_partial(request):
        context |= {"page": page, "partial": partial}
        return Template(template_name="fragment.html", context=context, headers=VARY, status_code=status_code)
    return Template(template_name=page, context=context, headers=VARY, status_code=status_code)


def wants_json(request: AnyRequest) -> bool:
    """The JSON routes, and any request that asks for JSON or sends it (the explorer's own scripts)."""
    headers = request.headers
    return (
        request.url.path.startswith(JSON_PATHS)
        or "application/json" in headers.get("accept", "")
        or headers.get("content-type", "").startswith("application/json")
    )


def error_response(request: AnyRequest, status_code: int, message: str) -> Response[Any]:
    if wants_json(request):
        return Response({"message": message}, status_code=status_code)
    if wants_partial(request):
        return HTMXTemplate(
            template_name="partials/flash.html",
            context={"notice": message, "level": "error"},
            re_target="#flash",
            re_swap="innerHTML",
            status_code=status_code,
            headers=VARY,
        )
    return Template(
        template_name="pages/error.html",
        context={"status_code": status_code, "message": message, "notice": None},
        status_code=status_code,
        headers=VARY,
    )


def on_gateway_error(request: AnyRequest, exc: GatewayError) -> Response[Any]:
    if isinstance(exc, NotAuthenticated):
        return sign_in_first(request, exc)
    return error_response(request, exc.status_code, exc.message)


def here(request: AnyRequest) -> str:
    """The path and query the caller asked for, with the store's prefix that routing took off (gateway/stores.py)."""
    prefix = path_prefix(request)
    return prefix + request.url.path + (f"?{request.url.query}" if request.url.query else "")


def sign_in_first(request: AnyRequest, exc: NotAuthenticated) -> Response[Any]:
    """Programs get 401; a person is sent to the login page, and back to where they were afterwards."""
    login = with_query(
        request.app.route_reverse("login"),
        {"next": here(request)},
    )
    if wants_json(request):
        return Response({"message": exc.message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    if request.headers.get("hx-request") == "true":
        return Response("", status_code=401, headers={"HX-Redirect": login})
    return Redirect(login, status_code=303)


def on_http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    """Litestar's own refusals (missing parameter, unknown route, CSRF), in words instead of JSON."""
    message = exc.detail
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        names = ", ".join(str(e.get("key")) for e in exc.extra if isinstance(e, dict) and e.get("key"))
        message = f"Missing or invalid parameter: {names}." if names else "The request is not valid."
    elif isinstance(exc, PermissionDeniedException) and "CSRF" in exc.detail:
        message = "The form was stale or did not come from this site (CSRF check failed): reload the page and retry."
    elif exc.status_code == 404:
        message = "There is no page at this address."
    return error_response(request, exc.status_code, message)


def on_unexpected_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    """Log the traceback for the operator; show the user a sentence, never the traceback."""
    log.exception("unhandled error on %s %s", request.method, redacted(request.url.path))
    return error_response(request, 500, "Something went wrong in the gateway; the error was logged.")


def on_too_deep(request: AnyRequest, exc: RecursionError) -> Response[Any]:
    """A body nested deeper than the parser goes (msgspec's limit): bad input, not a fault of the gateway."""
    return error_response(request, 400, "The request body is nested too deeply to read.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    GatewayError: on_gateway_error,
    RecursionError: on_too_deep,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}


def page_origin(request: AnyRequest) -> str:
    """Where the explorer runs in the browser (where uploads come from, where a provider sends people back); behind
    TLS, S3M_SECURE_COOKIES says https."""
    scheme = "https" if request.app.state.settings.secure_cookies else request.url.scheme
    return f"{scheme}://{request.url.netloc}"

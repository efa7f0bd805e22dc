"""The route table: every handler the gateway serves, in one list."""

from litestar.types import ControllerRouterHandler

from gateway.controllers.api import BucketsApi, PresignApi, ScanApi, api_root
from gateway.controllers.api_multipart import MultipartApi
from gateway.controllers.browse import BrowseController
from gateway.controllers.bucket_settings import BucketSettingsController
from gateway.controllers.buckets import BucketsController
from gateway.controllers.companion import CompanionRoutes
from gateway.controllers.health import healthz, readyz
from gateway.controllers.login import LoginController
from gateway.controllers.objects import ObjectsController
from gateway.controllers.oidc import OidcController
from gateway.controllers.search import SearchController
from gateway.controllers.share import ShareController
from gateway.controllers.transfer import RenameController, TransferController
from gateway.controllers.uploader import uppy_page

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    # pages and htmx partials
    BucketsController,
    BrowseController,
    ObjectsController,
    ShareController,
    TransferController,
    RenameController,
    SearchController,
    BucketSettingsController,
    uppy_page,
    # JSON API (OpenAPI at /api/schema/openapi.json)
    api_root,
    BucketsApi,
    PresignApi,
    ScanApi,
    MultipartApi,
    # what Uppy's S3 plugin calls on a Companion server
    CompanionRoutes,
    LoginController,
    OidcController,
    healthz,
    readyz,
]

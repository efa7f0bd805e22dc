"""The route table: every handler the gateway serves, in one list."""

from gateway.controllers.browse import BrowseController
from gateway.controllers.buckets import BucketsController
from gateway.controllers.health import healthz, readyz
from gateway.controllers.objects import ObjectsController

ROUTE_HANDLERS = [BucketsController, BrowseController, ObjectsController, healthz, readyz]

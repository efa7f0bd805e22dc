"""Names for the framework's generic types, so signatures say what they take and not how Litestar spells it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection

AnyRequest = Request[Any, Any, Any]
AnyConnection = ASGIConnection[Any, Any, Any, Any]

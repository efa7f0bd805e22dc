"""What can go wrong, as exceptions that carry a truthful HTTP status and a sentence for people.

Plain Python on purpose: the pure and storage modules raise these, and gateway/responses.py turns them into
responses.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of every error a user may see; `message` is shown to them as is."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(GatewayError):
    status_code = 400


class NotAuthenticated(GatewayError):
    """No valid credentials: pages send the user to the login page, the JSON routes answer 401."""

    status_code = 401


class AccessDenied(GatewayError):
    status_code = 403


class NotFound(GatewayError):
    status_code = 404


class Gone(GatewayError):
    status_code = 410


class Conflict(GatewayError):
    status_code = 409


class Unsupported(GatewayError):
    """The store does not have this feature (lifecycle rules, versioning, multipart listing, ...)."""

    status_code = 501


class StoreError(GatewayError):
    """The store answered, but with an error we have no better status for."""

    status_code = 502


class StoreUnavailable(GatewayError):
    """The store did not answer in time, or refused the connection."""

    status_code = 503

"""Sign-in sessions: a signed cookie (gateway/security/tokens.py) naming the user, an expiry, a random session id, and a
fingerprint of the user's password hash, so changing a password ends that user's sessions. Any replica can read it.

The session id binds the CSRF token to the session (gateway/security/csrf.py), and is what signing out ends in the store
(gateway/security/records.py). A visitor without a session gets a random visitor id instead, for the same binding.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from gateway.security.grants import AccessConfig, Principal
from gateway.security.tokens import BadToken, mac, same, unsign
from gateway.security.tokens import sign as sign_token
from gateway.settings import Settings

PURPOSE = "session"


def cookie_name(settings: Settings, name: str) -> str:
    """`s3m_session` or `s3m_visitor`; behind TLS with the `__Host-` prefix, which a browser only accepts from this
    very origin (Secure, Path=/, no Domain), so a neighbour on the same site cannot plant one."""
    return f"__Host-{name}" if settings.secure_cookies else name


def session_cookie(settings: Settings) -> str:
    return cookie_name(settings, "s3m_session")


def visitor_cookie(settings: Settings) -> str:
    return cookie_name(settings, "s3m_visitor")


@dataclass(frozen=True, slots=True)
class Session:
    name: str
    expires: int
    session_id: str
    password: str
    """A keyed fingerprint of the password hash the session was made with."""


def _fingerprint(secret: str, principal: Principal) -> str:
    return mac(secret, "password", principal.password or "")


def new_session(secret: str, principal: Principal, lifetime: int) -> str:
    """The cookie value of a fresh session for `principal`."""
    fields = [principal.name, int(time.time()) + lifetime, secrets.token_urlsafe(16), _fingerprint(secret, principal)]
    return sign_token(secret, PURPOSE, fields)


def read_session(secret: str, cookie: str) -> Session | None:
    """The session a cookie holds if the gateway signed it; nothing about the user is looked at yet, so a forged
    cookie costs the same whoever it names."""
    try:
        name, expires, session_id, password = unsign(secret, PURPOSE, cookie)
    except (BadToken, ValueError, TypeError):
        return None
    if not all(isinstance(v, str) for v in (name, session_id, password)) or not isinstance(expires, int):
        return None
    return Session(name, expires, session_id, password)


def session_user(secret: str, access: AccessConfig, session: Session) -> Principal | None:
    """The user a valid session names: unexpired, still in the access file, with the same password."""
    user = access.users.get(session.name)
    if session.expires <= time.time() or user is None or user.password is None:
        return None
    return user if same(session.password, _fingerprint(secret, user)) else None

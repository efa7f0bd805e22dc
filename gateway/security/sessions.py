"""Sign-in sessions: a signed cookie (gateway/security/tokens.py) naming the user, an expiry, a random session id, and a
fingerprint of the user's password hash, so changing a password ends that user's sessions. Any replica can read it.
A session from an OpenID provider names the provider and the groups its ID token gave instead (security/oidc.py).

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
    provider: str = ""
    """The [oidc.NAME] provider that vouched for the user; empty for a password's session."""
    groups: tuple[str, ...] = ()


def _fingerprint(secret: str, principal: Principal) -> str:
    return mac(secret, "password", principal.password or "")


def new_session(secret: str, principal: Principal, lifetime: int, provider: str = "") -> str:
    """The cookie value of a fresh session for `principal`, signed in with a password or through `provider`."""
    fields = [principal.name, int(time.time()) + lifetime, secrets.token_urlsafe(16), _fingerprint(secret, principal)]
    if provider:
        fields += [provider, list(principal.groups)]
    return sign_token(secret, PURPOSE, fields)


def read_session(secret: str, cookie: str) -> Session | None:
    """The session a cookie holds if the gateway signed it; nothing about the user is looked at yet, so a forged
    cookie costs the same whoever it names."""
    try:
        name, expires, session_id, password, *through = unsign(secret, PURPOSE, cookie)
        provider, groups = through or ("", [])
    except (BadToken, ValueError, TypeError):
        return None
    if not all(isinstance(v, str) for v in (name, session_id, password, provider)) or not isinstance(expires, int):
        return None
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        return None
    return Session(name, expires, session_id, password, provider, tuple(groups))


def session_user(secret: str, access: AccessConfig, session: Session) -> Principal | None:
    """The user a valid session names: unexpired, still in the access file, with the same password; or, signed in
    through a provider still configured, with what their own and their groups' grants give them today."""
    if session.expires <= time.time():
        return None
    if session.provider:
        known = session.provider in access.providers
        return access.member(session.name, "oidc", session.groups) if known else None
    user = access.users.get(session.name)
    if user is None or user.password is None or not access.passwords:
        return None
    return user if same(session.password, _fingerprint(secret, user)) else None

"""Sign-in with OpenID Connect: the authorization code flow with PKCE, against providers named in the access file.

    [oidc.company]
    issuer = "https://id.example.com/realms/main"   # its /.well-known/openid-configuration says the rest
    client_id = "s3-manager"
    client_secret_env = "S3M_OIDC_SECRET"            # the variable that holds the secret (or none: a public client)
    scopes = ["openid", "profile", "groups"]
    user_claim = "preferred_username"                # which claim names the user
    groups_claim = "groups"                          # which claim lists their groups ([groups.NAME] in the file)
    label = "Company account"                        # the login page's button

Stateless like the rest: the state, nonce and PKCE verifier travel in a short-lived signed cookie, so any replica
serves any step, and the session that follows is the same signed cookie as a password's. The ID token comes from
the provider's token endpoint, never from the browser, and is checked here (security/id_tokens.py).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from gateway.security.tokens import BadToken, unsign
from gateway.security.tokens import sign as sign_token
from gateway.settings import SettingsError

FLOW_SECONDS = 600  # how long a sign-in may take at the provider
FLOW_PURPOSE = "oidc-flow"
DISCOVERY_SECONDS = 3600  # how long a provider's metadata is kept before it is asked again
TIMEOUT = httpx.Timeout(5.0)
KEYS = frozenset(
    {"issuer", "client_id", "client_secret_env", "client_secret", "scopes", "user_claim", "groups_claim", "label"}
)


class SignInFailed(Exception):
    """A sign-in that cannot go on; the message says why, for the login page."""

    status_code = 401


class ProviderUnavailable(SignInFailed):
    """The provider did not answer, or not as a provider should; the message names it."""

    status_code = 503


@dataclass(frozen=True, slots=True)
class OidcProvider:
    name: str
    issuer: str
    client_id: str
    client_secret: str | None = field(repr=False)
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    user_claim: str = "preferred_username"
    groups_claim: str = "groups"
    label: str = ""


def load_providers(raw: dict[str, Any], path: Path) -> dict[str, OidcProvider]:
    """The [oidc.NAME] sections of the access file; a mistake stops start-up with a sentence naming the section."""
    providers = {}
    for name, entry in raw.get("oidc", {}).items():
        where = f"{path}: [oidc.{name}]"
        if not isinstance(entry, dict):
            raise SettingsError(f"{where} must be a table")
        if unknown := sorted(set(entry) - KEYS):
            raise SettingsError(f"{where}: unknown setting {', '.join(unknown)}")
        issuer = str(entry.get("issuer", "")).rstrip("/")
        if not issuer.startswith(("https://", "http://")):
            raise SettingsError(f"{where}: issuer must be the provider's URL (https://...)")
        if not entry.get("client_id"):
            raise SettingsError(f"{where}: client_id is missing")
        secret = entry.get("client_secret")
        if variable := entry.get("client_secret_env"):
            secret = os.environ.get(str(variable))
            if not secret:
                raise SettingsError(f"{where}: client_secret_env names {variable}, which is not set")
        scopes = tuple(str(s) for s in entry.get("scopes", ("openid", "profile", "email")))
        if "openid" not in scopes:
            raise SettingsError(f"{where}: scopes must include openid")
        providers[name] = OidcProvider(
            name=name,
            issuer=issuer,
            client_id=str(entry["client_id"]),
            client_secret=str(secret) if secret else None,
            scopes=scopes,
            user_claim=str(entry.get("user_claim", "preferred_username")),
            groups_claim=str(entry.get("groups_claim", "groups")),
            label=str(entry.get("label", name)),
        )
    return providers


@dataclass(slots=True)
class Discovery:
    """What a provider says of itself at /.well-known/openid-configuration, asked once an hour per process."""

    provider: OidcProvider
    metadata: dict[str, Any] | None = None
    fetched: float = 0.0

    async def get(self, client: httpx.AsyncClient) -> dict[str, Any]:
        if self.metadata is None or time.monotonic() - self.fetched > DISCOVERY_SECONDS:
            url = f"{self.provider.issuer}/.well-known/openid-configuration"
            metadata = await fetch_json(client, self.provider, "GET", url)
            if str(metadata.get("issuer", "")).rstrip("/") != self.provider.issuer:
                raise ProviderUnavailable(
                    f"The sign-in provider {self.provider.name} calls itself {metadata.get('issuer')!r}, "
                    f"not {self.provider.issuer!r} as the access file says."
                )
            self.metadata, self.fetched = metadata, time.monotonic()
        return self.metadata


async def fetch_json(client: httpx.AsyncClient, provider: OidcProvider, method: str, url: str, **kw: Any) -> Any:
    """A JSON answer of the provider's, or ProviderUnavailable with what went wrong."""
    try:
        answer = await client.request(method, url, timeout=TIMEOUT, **kw)
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(
            f"The sign-in provider {provider.name} at {provider.issuer} did not answer ({type(exc).__name__})."
        ) from None
    try:
        body = answer.json()
    except ValueError:
        body = None
    said = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
    if 400 <= answer.status_code < 500:  # a code used twice, a wrong client secret: it said no
        raise SignInFailed(f"The sign-in provider {provider.name} refused: {said or answer.status_code}.")
    if answer.status_code >= 400 or not isinstance(body, dict):
        raise ProviderUnavailable(
            f"The sign-in provider {provider.name} answered {answer.status_code}" + (f": {said}." if said else ".")
        )
    return body


@dataclass(frozen=True, slots=True)
class Flow:
    """One sign-in under way, carried by the browser in a signed cookie between the two redirects."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str
    expires: int

    @classmethod
    def start(cls, provider: str, target: str) -> Flow:
        new = secrets.token_urlsafe
        return cls(provider, new(24), new(24), new(48), target, int(time.time()) + FLOW_SECONDS)

    def sealed(self, secret: str) -> str:
        fields = [self.provider, self.state, self.nonce, self.verifier, self.next, self.expires]
        return sign_token(secret, FLOW_PURPOSE, fields)

    @classmethod
    def opened(cls, secret: str, cookie: str) -> Flow | None:
        """The flow a cookie holds, if this gateway sealed it and it has not expired."""
        try:
            provider, state, nonce, verifier, target, expires = unsign(secret, FLOW_PURPOSE, cookie)
        except (BadToken, ValueError, TypeError):
            return None
        flow = cls(str(provider), str(state), str(nonce), str(verifier), str(target), int(expires))
        return flow if flow.expires > time.time() else None

    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_url(metadata: dict[str, Any], provider: OidcProvider, flow: Flow, redirect_uri: str) -> str:
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": flow.state,
        "nonce": flow.nonce,
        "code_challenge": flow.challenge(),
        "code_challenge_method": "S256",
    }
    return f"{metadata['authorization_endpoint']}?{urlencode(query)}"


async def redeem(
    client: httpx.AsyncClient,
    metadata: dict[str, Any],
    provider: OidcProvider,
    flow: Flow,
    code: str,
    redirect_uri: str,
) -> dict[str, Any]:
    """The provider's tokens for an authorization code (used once: the provider refuses it a second time)."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    form["code_verifier"] = flow.verifier
    auth = None
    if provider.client_secret:
        auth = httpx.BasicAuth(provider.client_id, provider.client_secret)  # client_secret_basic
    else:
        form["client_id"] = provider.client_id  # a public client
    tokens: dict[str, Any] = await fetch_json(
        client, provider, "POST", metadata["token_endpoint"], data=form, auth=auth
    )
    if not isinstance(tokens.get("id_token"), str):
        raise ProviderUnavailable(f"The sign-in provider {provider.name} sent no ID token.")
    return tokens


def end_session_url(metadata: dict[str, Any], provider: OidcProvider, after: str) -> str | None:
    """Where to send the browser so the provider ends its own session too, when it has such an endpoint."""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    return f"{endpoint}?{urlencode({'client_id': provider.client_id, 'post_logout_redirect_uri': after})}"

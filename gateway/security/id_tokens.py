"""Checking an OpenID Connect ID token with joserfc: the signature against the provider's published keys, then the
issuer, audience, expiry and nonce. Nothing of the token is believed before all of these hold.

The keys are kept per process; a token signed with a key not among them makes one new fetch of the key set (a
provider rotating its keys), at most every REFRESH_SECONDS, so forged key ids cannot make the gateway hammer it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gateway.security.oidc import OidcProvider, SignInFailed, fetch_json

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
"""Asymmetric only: "none" and the HMAC family (which a client secret would key) are refused."""
REFRESH_SECONDS = 60
LEEWAY_SECONDS = 60  # clocks of the gateway and the provider may differ this much


class TokenRefused(SignInFailed):
    """An ID token that does not hold; the message says what, for the login page."""


@dataclass(slots=True)
class ProviderKeys:
    """A provider's signing keys (its jwks_uri), fetched when first needed and again when a token names a new one."""

    provider: OidcProvider
    keys: KeySet | None = None
    fetched: float = float("-inf")

    async def for_token(self, client: httpx.AsyncClient, jwks_uri: str, kid: str | None) -> KeySet:
        known = self.keys is not None and (kid is None or any(k.kid == kid for k in self.keys.keys))
        if not known and time.monotonic() - self.fetched >= REFRESH_SECONDS:
            self.fetched = time.monotonic()
            published = await fetch_json(client, self.provider, "GET", jwks_uri)
            try:
                self.keys = KeySet.import_key_set(published)
            except (JoseError, ValueError, KeyError, TypeError):
                raise TokenRefused(f"The sign-in provider {self.provider.name} publishes no usable keys.") from None
        if self.keys is None:
            raise TokenRefused(f"The sign-in provider {self.provider.name} publishes no usable keys.")
        return self.keys


def key_id(id_token: str) -> str | None:
    """The `kid` of a token's header (not yet trusted: it only chooses which key to check the signature with)."""
    try:
        kid = jws.extract_compact(id_token.encode()).protected.get("kid")
    except (JoseError, ValueError):
        raise TokenRefused("The ID token is not a signed JWT.") from None
    return str(kid) if kid is not None else None


def verified_claims(id_token: str, keys: KeySet, provider: OidcProvider, nonce: str) -> dict[str, Any]:
    """The claims of `id_token` once its signature, issuer, audience, times and nonce all hold; TokenRefused else."""
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except JoseError as exc:
        raise TokenRefused(f"The ID token's signature does not hold ({exc.error}).") from None
    claims: dict[str, Any] = dict(token.claims)
    if str(claims.get("iss", "")).rstrip("/") != provider.issuer:
        raise TokenRefused(f"The ID token was issued by {claims.get('iss')!r}, not {provider.issuer!r}.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != provider.client_id):
        raise TokenRefused(f"The ID token is meant for {audience!r}, not for this gateway ({provider.client_id}).")
    now = time.time()
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - LEEWAY_SECONDS:
        raise TokenRefused("The ID token has expired: sign in again.")
    if isinstance(claims.get("iat"), int | float) and claims["iat"] > now + LEEWAY_SECONDS:
        raise TokenRefused("The ID token was issued in the future: the provider's clock or the gateway's is wrong.")
    if claims.get("nonce") != nonce:
        raise TokenRefused("The ID token belongs to another sign-in (its nonce differs): sign in again.")
    return claims

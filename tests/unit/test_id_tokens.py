"""ID tokens as the gateway checks them (gateway/security/id_tokens.py): only a token signed by the provider's own
key, from its issuer, for this client, unexpired and carrying this sign-in's nonce is believed. The keys are real
RSA keys made by joserfc; the provider's key set is served over HTTP, so its rotation is fetched as it would be."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from gateway.controllers.oidc import groups_of
from gateway.security.id_tokens import REFRESH_SECONDS, ProviderKeys, TokenRefused, key_id, verified_claims
from gateway.security.oidc import OidcProvider

ISSUER = "https://id.example.com"
PROVIDER = OidcProvider("company", ISSUER, "s3-manager", "client-secret")
NONCE = "this-sign-ins-nonce"
KEY = RSAKey.generate_key(2048, parameters={"kid": "current"})


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    good = {"iss": ISSUER, "aud": "s3-manager", "sub": "u1", "exp": now + 300, "iat": now, "nonce": NONCE}
    return {k: v for k, v in {**good, **changes}.items() if v is not None}


def signed(key: Any = KEY, alg: str = "RS256", **changes: Any) -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, claims(**changes), key, algorithms=[alg])


def test_a_good_token_gives_its_claims() -> None:
    assert verified_claims(signed(), KeySet([KEY]), PROVIDER, NONCE)["sub"] == "u1"


@pytest.mark.parametrize(
    ("token", "said"),
    [
        (lambda: signed(RSAKey.generate_key(2048, parameters={"kid": "current"})), "signature does not hold"),
        (lambda: signed(OctKey.import_key(b"client-secret" * 3, {"kid": "current"}), "HS256"), "signature"),
        (lambda: signed()[:-4] + "AAAA", "signature does not hold"),
        (lambda: signed(iss="https://evil.example.com"), "issued by 'https://evil.example.com'"),
        (lambda: signed(aud="another-client"), "meant for 'another-client'"),
        (lambda: signed(aud=["s3-manager", "another"], azp="another"), "meant for"),
        (lambda: signed(exp=int(time.time()) - 3600), "has expired"),
        (lambda: signed(exp=None), "has expired"),
        (lambda: signed(iat=int(time.time()) + 3600), "issued in the future"),
        (lambda: signed(nonce="another-sign-ins-nonce"), "another sign-in"),
        (lambda: signed(nonce=None), "another sign-in"),
    ],
    ids=[
        "forged",
        "hmac-with-client-secret",
        "tampered",
        "wrong-issuer",
        "wrong-audience",
        "other-authorized-party",
        "expired",
        "no-expiry",
        "future",
        "wrong-nonce",
        "no-nonce",
    ],
)
def test_a_token_that_does_not_hold_is_refused(token: Any, said: str) -> None:
    with pytest.raises(TokenRefused, match=said):
        verified_claims(token(), KeySet([KEY]), PROVIDER, NONCE)


def test_an_unsigned_token_is_refused() -> None:
    header = "eyJhbGciOiJub25lIiwia2lkIjoiY3VycmVudCJ9"  # {"alg":"none","kid":"current"}
    body = jwt.encode({"alg": "RS256"}, claims(), KEY).split(".")[1]
    with pytest.raises(TokenRefused, match="signature does not hold"):
        verified_claims(f"{header}.{body}.", KeySet([KEY]), PROVIDER, NONCE)
    with pytest.raises(TokenRefused, match="not a signed JWT"):
        key_id("not-a-token")


class PublishedKeys:
    """The provider's jwks_uri: whatever key set the test puts here, and how often it was asked."""

    def __init__(self) -> None:
        self.keys: list[Any] = [KEY]
        self.fetches = 0

    def serve(self) -> Iterator[str]:
        published = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                published.fetches += 1
                body = json.dumps(KeySet(published.keys).as_dict(private=False)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/jwks"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(name="published")
def fx_published() -> PublishedKeys:
    return PublishedKeys()


@pytest.fixture(name="jwks_uri")
def fx_jwks_uri(published: PublishedKeys) -> Iterator[str]:
    yield from published.serve()


def check(keys: ProviderKeys, jwks_uri: str, token: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            return verified_claims(token, await keys.for_token(client, jwks_uri, key_id(token)), PROVIDER, NONCE)

    return anyio.run(run)


def test_a_rotated_key_is_fetched_and_forged_key_ids_cannot_hammer_the_provider(
    published: PublishedKeys, jwks_uri: str
) -> None:
    keys = ProviderKeys(PROVIDER)
    assert check(keys, jwks_uri, signed())["sub"] == "u1"
    assert check(keys, jwks_uri, signed())["sub"] == "u1"
    assert published.fetches == 1  # kept

    forger = RSAKey.generate_key(2048, parameters={"kid": "made-up"})
    for _ in range(5):
        with pytest.raises(TokenRefused):
            check(keys, jwks_uri, signed(forger))
    assert published.fetches == 1  # an unknown key id fetches again at most once a minute

    rotated = RSAKey.generate_key(2048, parameters={"kid": "next"})
    published.keys = [rotated]
    keys.fetched -= REFRESH_SECONDS  # a minute on
    assert check(keys, jwks_uri, signed(rotated))["sub"] == "u1"
    assert published.fetches == 2
    with pytest.raises(TokenRefused):  # the retired key is gone with the old set
        check(keys, jwks_uri, signed())


@pytest.mark.parametrize(
    ("said", "groups"),
    [(["a", "b", 7, None, {"x": 1}], ("a", "b", "7")), ("solo", ("solo",)), (42, ()), ({"a": 1}, ()), (None, ())],
)
def test_the_groups_claim_is_read_whatever_its_shape(said: Any, groups: tuple[str, ...]) -> None:
    assert groups_of({"groups": said}, PROVIDER) == groups

"""The connection to the store: the boto3 clients, the one thread pool, and the way every call is made.

Two clients: `api` talks to the store at S3_ENDPOINT_URL; `signer` only presigns, for the address browsers use
(S3_PUBLIC_ENDPOINT_URL). SigV4 signs the host, so a URL cannot be rewritten to another address after signing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import cache, cached_property
from typing import Any, TypeVar

import anyio.to_thread
import boto3
import botocore.session
from botocore.config import Config
from botocore.utils import parse_timestamp as botocore_timestamp

from gateway.errors import GatewayError, StoreUnavailable
from gateway.observability.metrics import watch_store_calls
from gateway.s3.errors import translated
from gateway.s3.sigv4 import FastPresigner
from gateway.settings import Settings

T = TypeVar("T")
FAN_OUT = 8  # calls made at once for one request (HEADs, copies): below botocore's default pool of 10 connections
PROBE_TIMEOUT = 2.0  # seconds a readiness probe waits for the store, at most: probes are asked every few seconds


@cache
def shared_session() -> boto3.session.Session:
    """One boto3 session per process: it loads botocore's S3 model once (about 0.1 s), where a session per client
    would load it again for each. Credentials are found when first asked for, the way boto3 always finds them."""
    core = botocore.session.get_session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return boto3.session.Session(botocore_session=core)


def own_session(profile: str | None, credentials: tuple[str, str, str | None] | None) -> boto3.session.Session:
    """A session for a store with credentials of its own (a profile, or keys), sharing the shared session's loaded
    model; a store without either uses the shared session and boto3's own chain."""
    if profile is None and credentials is None:
        return shared_session()
    core = botocore.session.Session(profile=profile)
    core.register_component("data_loader", shared_session()._session.get_component("data_loader"))
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    if credentials is not None:
        core.set_credentials(*credentials)
    return boto3.session.Session(botocore_session=core)


def parse_timestamp(value: str) -> datetime:
    """A store's timestamp. Listings give ISO 8601 ('2026-12-02T03:00:00.000Z'), which the standard library reads
    five times faster than botocore's own parser (dateutil): 100 ms of each 125 ms spent reading 1,000 keys."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # an HTTP date (Last-Modified), or seconds since 1970
        parsed: datetime = botocore_timestamp(value)
        return parsed


def make_client(
    settings: Settings,
    endpoint_url: str | None,
    *,
    attempts: int = 2,
    timeout: float | None = None,
    session: boto3.session.Session | None = None,
) -> Any:
    """A boto3 S3 client that non-AWS stores accept: SigV4, chosen addressing, checksums only when required."""
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": settings.addressing_style},
        connect_timeout=timeout or settings.connect_timeout,
        read_timeout=timeout or settings.read_timeout,
        retries={"max_attempts": attempts, "mode": "standard"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = session or shared_session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=settings.region, config=config)


class Store:
    """The clients and the helpers every part of the S3 layer builds on (gateway/s3/__init__.py puts them together).
    `name` is the store's in the access file (gateway/stores.py); `buckets` the list it gives there, for credentials
    that may not list the buckets."""

    def __init__(
        self,
        settings: Settings,
        name: str = "default",
        session: boto3.session.Session | None = None,
        buckets: tuple[str, ...] | None = None,
    ) -> None:
        self.settings, self.name, self.buckets = settings, name, buckets
        self.where = f"{name} at {settings.endpoint_url or 'AWS'}"
        self.session = session or shared_session()
        self.api = make_client(settings, settings.endpoint_url, session=self.session)
        public = settings.public_endpoint_url
        same = not public or public == settings.endpoint_url  # one client then: each costs about 10 ms to make
        self.signer = self.api if same else make_client(settings, public, session=self.session)
        self.fast = FastPresigner(self.signer, self.frozen_credentials)
        self.pool = ThreadPoolExecutor(max_workers=FAN_OUT, thread_name_prefix="s3-fan-out")  # one per worker
        watch_store_calls(self.api, name)

    @cached_property
    def prober(self) -> Any:
        """The readiness probe's client: one try, a short timeout; made at the first probe."""
        settings, probing = self.settings, min(PROBE_TIMEOUT, self.settings.read_timeout)
        client = make_client(settings, settings.endpoint_url, attempts=1, timeout=probing, session=self.session)
        watch_store_calls(client, self.name)
        return client

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for client in {self.api, self.signer, self.__dict__.get("prober")} - {None}:  # the prober, if it was made
            client.close()

    async def _run(self, fn: Callable[[], T], bucket: str = "", key: str = "") -> T:
        def guarded() -> T:
            with translated(bucket, key, self.where):
                return fn()

        return await anyio.to_thread.run_sync(guarded)

    def frozen_credentials(self) -> Any:
        """The current credentials (refreshed first when they are temporary and about to expire)."""
        credentials = self.session.get_credentials()
        if credentials is None:
            raise StoreUnavailable(
                f"No credentials for the store {self.where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                "give the store its own in the access file."
            )
        return credentials.get_frozen_credentials()

    def credentials_are_temporary(self) -> bool:
        """Signed with a session token (STS, SSO, an instance role): URLs die with those credentials."""
        return bool(self.frozen_credentials().token)

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers within PROBE_TIMEOUT (or the read timeout, if shorter)."""
        await self._run(self.prober.list_buckets)

    async def trouble(self) -> str | None:
        """Why the store does not answer the probe (a sentence naming it), or None when it does."""
        try:
            await self.ping()
        except GatewayError as exc:
            return exc.message
        return None

"""What must outlive a request, kept in the store itself under S3M_STATE_S3_URL, so the gateway stays stateless:
sessions ended by signing out, and one record per gateway share link (who made it, for what, until when).

Every replica reads the same objects. Lookups are cached per worker for a few seconds (CACHE_SECONDS): a session
ended on one replica is refused by the others within that time, and at once by the replica that ended it.
"""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Any

import anyio.to_thread
from botocore.exceptions import ClientError

from gateway.errors import NotFound
from gateway.s3 import S3Storage, translated

CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000


class StateStore:
    """JSON records under s3://bucket/prefix, written and read with the gateway's own credentials."""

    def __init__(self, storage: S3Storage, bucket: str, prefix: str) -> None:
        self.storage, self.bucket, self.prefix = storage, bucket, prefix
        self._revoked: dict[str, tuple[bool, float]] = {}

    def holds(self, bucket: str, key: str) -> bool:
        """True for keys of the state itself: no grant reaches them, whatever it says."""
        return bucket == self.bucket and key.startswith(self.prefix)

    async def _call(self, fn: Any, key: str = "") -> Any:
        def guarded() -> Any:
            with translated(self.bucket, key, self.storage.settings.endpoint_url):
                return fn()

        return await anyio.to_thread.run_sync(guarded)

    async def put(self, name: str, record: dict[str, Any]) -> None:
        body = json.dumps(record, ensure_ascii=False).encode()
        api, key = self.storage.api, self.prefix + name
        await self._call(
            partial(api.put_object, Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        )

    async def get(self, name: str) -> dict[str, Any] | None:
        """The record, or None when there is none."""

        def work() -> dict[str, Any] | None:
            try:
                body = self.storage.api.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                    return None
                raise
            record: dict[str, Any] = json.loads(body)
            return record

        result: dict[str, Any] | None = await self._call(work, self.prefix + name)
        return result

    async def delete(self, name: str) -> None:
        await self._call(partial(self.storage.api.delete_object, Bucket=self.bucket, Key=self.prefix + name))

    async def records(self, folder: str, limit: int = 1000) -> list[tuple[str, dict[str, Any]]]:
        """(name, record) of the records under `folder`, at most `limit`."""

        def work() -> list[tuple[str, dict[str, Any]]]:
            api, found = self.storage.api, []
            pages = api.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + folder)
            for page in pages:
                for entry in page.get("Contents", []):
                    try:
                        body = api.get_object(Bucket=self.bucket, Key=entry["Key"])["Body"].read()
                    except ClientError:
                        continue  # removed between the listing and the read
                    found.append((entry["Key"][len(self.prefix) :], json.loads(body)))
                    if len(found) >= limit:
                        return found
            return found

        result: list[tuple[str, dict[str, Any]]] = await self._call(work)
        return result

    async def end_session(self, session_id: str, until: int) -> None:
        """Refuse this session from now on, on every replica (the record can go once the session would have)."""
        await self.put(f"sessions/ended/{session_id}", {"until": until})
        self._remember(session_id, True)

    async def session_ended(self, session_id: str) -> bool:
        now = time.monotonic()
        cached = self._revoked.get(session_id)
        if cached is not None and (cached[0] or now - cached[1] < CACHE_SECONDS):
            return cached[0]
        try:
            await self._call(partial(self.storage.api.head_object, Bucket=self.bucket, Key=self._ended(session_id)))
            ended = True
        except NotFound:
            ended = False
        self._remember(session_id, ended)
        return ended

    def _ended(self, session_id: str) -> str:
        return f"{self.prefix}sessions/ended/{session_id}"

    def _remember(self, session_id: str, ended: bool) -> None:
        if len(self._revoked) >= CACHE_SIZE:
            self._revoked.clear()
        self._revoked[session_id] = (ended, time.monotonic())

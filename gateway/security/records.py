"""What must outlive a request, kept in the store itself under S3M_STATE_S3_URL, so the gateway stays stateless:
sessions ended by signing out, and one record per gateway share link (who made it, for what, until when).

Every replica reads the same objects. Lookups are cached per worker for a few seconds (CACHE_SECONDS): a session
ended on one replica is refused by the others within that time, and at once by the replica that ended it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from gateway.s3 import S3Storage

CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000


class StateStore:
    """JSON records under s3://bucket/prefix, written and read with the gateway's own credentials."""

    def __init__(self, storage: S3Storage, bucket: str, prefix: str) -> None:
        self.storage, self.bucket, self.prefix = storage, bucket, prefix
        self._ended: dict[str, tuple[bool, float]] = {}

    def holds(self, bucket: str, key: str) -> bool:
        """True for keys of the state itself: no grant reaches them, whatever it says."""
        return bucket == self.bucket and key.startswith(self.prefix)

    async def put(self, name: str, record: dict[str, Any]) -> None:
        body = json.dumps(record, ensure_ascii=False).encode()
        await self.storage.put(self.bucket, self.prefix + name, body, "application/json")

    async def get(self, name: str) -> dict[str, Any] | None:
        """The record, or None when there is none."""
        body = await self.storage.read(self.bucket, self.prefix + name)
        return None if body is None else dict(json.loads(body))

    async def delete(self, name: str) -> None:
        await self.storage.remove(self.bucket, self.prefix + name)

    async def records(self, folder: str, limit: int = 1000) -> list[tuple[str, dict[str, Any]]]:
        """(name, record) of the records under `folder`, at most `limit`."""
        found: list[tuple[str, dict[str, Any]]] = []
        token: str | None = None
        while len(found) < limit:
            page = await self.storage.list_page(self.bucket, self.prefix + folder, token, flat=True)
            for entry in page.objects:
                name = entry.key[len(self.prefix) :]
                record = await self.get(name)
                if record is not None:  # not removed between the listing and the read
                    found.append((name, record))
            if page.next_token is None:
                break
            token = page.next_token
        return found[:limit]

    async def end_session(self, session_id: str, until: int) -> None:
        """Refuse this session from now on, on every replica (the record can go once the session would have)."""
        await self.put(f"sessions/ended/{session_id}", {"until": until})
        self._remember(session_id, True)

    async def session_ended(self, session_id: str) -> bool:
        cached = self._ended.get(session_id)
        if cached is not None and (cached[0] or time.monotonic() - cached[1] < CACHE_SECONDS):
            return cached[0]
        ended = await self.storage.exists(self.bucket, f"{self.prefix}sessions/ended/{session_id}")
        self._remember(session_id, ended)
        return ended

    def _remember(self, session_id: str, ended: bool) -> None:
        if len(self._ended) >= CACHE_SIZE:
            self._ended.clear()
        self._ended[session_id] = (ended, time.monotonic())

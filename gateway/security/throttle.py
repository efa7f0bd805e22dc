"""Sign-in attempts: the password hash runs off the event loop, a few at a time, and failed attempts are throttled
per client address and per user name, so a flood of guesses neither stalls the worker nor guesses quickly.

Kept in memory, per worker: with N workers (or replicas) an address gets N times the allowance. That is the price
of keeping no shared state; a proxy with rate limits in front remains the place for a hard limit.
"""

from __future__ import annotations

import time
from collections import deque

import anyio
import anyio.to_thread

from gateway.security.grants import password_matches

HASHES_AT_ONCE = 2  # scrypt takes about 50 ms of one core: two at a time leave the event loop its share
WINDOW_SECONDS = 60.0
FAILURES_PER_NAME = 5  # within the window, then refused until the oldest failure leaves it
FAILURES_PER_ADDRESS = 20
TRACKED = 10_000  # names and addresses remembered at most; beyond, the oldest go


class SignInThrottle:
    def __init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(HASHES_AT_ONCE)
        self.failures: dict[str, deque[float]] = {}

    def wait_seconds(self, name: str, address: str | None) -> int:
        """0 when an attempt may be made now; otherwise how long until one may."""
        now = time.monotonic()
        waits = [
            self._wait(f"name:{name}", FAILURES_PER_NAME, now),
            self._wait(f"address:{address}", FAILURES_PER_ADDRESS, now),
        ]
        return max(waits)

    def _wait(self, subject: str, allowed: int, now: float) -> int:
        times = self.failures.get(subject)
        if times is None:
            return 0
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        if len(times) < allowed:
            return 0
        return int(WINDOW_SECONDS - (now - times[0])) + 1

    def failed(self, name: str, address: str | None) -> None:
        now = time.monotonic()
        for subject in (f"name:{name}", f"address:{address}"):
            if subject not in self.failures and len(self.failures) >= TRACKED:
                del self.failures[next(iter(self.failures))]
            self.failures.setdefault(subject, deque(maxlen=FAILURES_PER_ADDRESS)).append(now)

    async def password_matches(self, password: str, stored: str | None) -> bool:
        """scrypt in a worker thread (it releases the GIL), at most HASHES_AT_ONCE at a time."""
        return await anyio.to_thread.run_sync(password_matches, password, stored, limiter=self.limiter)

"""Prometheus metrics: requests, latency, calls to the store, presigned URLs issued, audit events.

With several granian workers, `s3-manager serve` points PROMETHEUS_MULTIPROC_DIR at a fresh directory before the
workers start (gateway/cli.py); each worker then writes its samples to memory-mapped files there, and /metrics,
whichever worker answers it, sums them all (prometheus_client's multiprocess mode). One worker needs no directory.
"""

from __future__ import annotations

import os
import threading
from functools import partial
from time import perf_counter
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Histogram(
    "s3m_http_request_duration_seconds",
    "Requests answered and the time each took, by route name and status; _count counts the requests.",
    ["route", "status"],
    buckets=LATENCY_BUCKETS,
)
IN_FLIGHT = Gauge(
    "s3m_http_requests_in_flight", "Requests being answered, sampled every second.", multiprocess_mode="livesum"
)
S3_CALLS = Counter(
    "s3m_s3_requests",
    "Calls to the stores by store, operation and outcome (ok, an HTTP status, unreachable).",
    ["store", "operation", "outcome"],
)
S3_LATENCY = Histogram(
    "s3m_s3_request_duration_seconds",
    "Time the store took, retries included, by store and operation.",
    ["store", "operation"],
    buckets=LATENCY_BUCKETS,
)
PRESIGNED = Counter("s3m_presigned_urls", "Presigned URLs issued, by HTTP method.", ["method"])
PRESIGNED_GET, PRESIGNED_PUT, PRESIGNED_POST = (PRESIGNED.labels(method) for method in ("GET", "PUT", "POST"))
AUDIT_EVENTS = Counter("s3m_audit_events", "Audit events, by action and outcome.", ["action", "outcome"])


# Litestar appends the charset to every text/ type itself.
MEDIA_TYPE = CONTENT_TYPE_LATEST.removesuffix("; charset=utf-8")


class InFlight:
    """Requests this worker is answering. A plain count on the request path (requests run on the event loop's one
    thread), copied into the gauge every second and before each scrape: a locked gauge update on the way in and
    out of every request cost more than the rest of the metrics together."""

    def __init__(self) -> None:
        self.now = 0
        self.stopping = threading.Event()

    def publish(self) -> None:
        IN_FLIGHT.set(self.now)

    def publish_every_second(self) -> None:
        """For the other workers' scrapes, in multiprocess mode; one worker publishes when it is scraped."""
        if MULTIPROCESS_DIR in os.environ:
            self.stopping.clear()
            threading.Thread(target=self._run, name="in-flight", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()

    def _run(self) -> None:
        while not self.stopping.wait(1.0):
            self.publish()


in_flight = InFlight()


def render() -> bytes:
    """The exposition text: every worker's samples in multiprocess mode."""
    in_flight.publish()
    if MULTIPROCESS_DIR not in os.environ:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def watch_store_calls(client: Any, store: str) -> None:
    """Count and time every call `client` makes to `store`, through botocore's own events (one per call, retries
    inside)."""
    events = client.meta.events
    events.register("before-call.s3", partial(_started, store))
    events.register("after-call.s3", _answered)
    events.register("after-call-error.s3", _unanswered)


def _started(store: str, model: Any, context: dict[str, Any], **_: Any) -> None:
    context["s3m_call"] = (store, model.name, perf_counter())


def _answered(http_response: Any, context: dict[str, Any], **_: Any) -> None:
    status = http_response.status_code
    _observe(context, "ok" if status < 300 else str(status))


def _unanswered(context: dict[str, Any], **_: Any) -> None:
    _observe(context, "unreachable")


def _observe(context: dict[str, Any], outcome: str) -> None:
    call = context.pop("s3m_call", None)
    if call is None:  # a call made before the hooks were registered
        return
    store, operation, started = call
    S3_CALLS.labels(store, operation, outcome).inc()
    S3_LATENCY.labels(store, operation).observe(perf_counter() - started)


def worker_stopping() -> None:
    """A worker that stops takes its in-flight gauge with it; its counters stay in the totals."""
    in_flight.stop()
    if MULTIPROCESS_DIR in os.environ:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

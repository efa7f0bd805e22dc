"""The compatibility tier: each test here runs once per store (moto, SeaweedFS, Ceph RGW, s3rver), each marked with the
feature it proves. What a store lacks is named once, in STORES: there the test is expected to fail (strict: a store
that gains the feature turns it into a failure to update), never skipped. `just compat` writes the README's table
from the outcomes (--compat-table)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.s3 import make_client
from gateway.settings import Settings
from tests.conftest import gateway_settings, page_token


@dataclass(frozen=True)
class Kind:
    title: str
    endpoint: str  # the session fixture that starts it (tests/conftest.py)
    lacks: dict[str, str] = field(default_factory=dict)  # feature -> what the store does instead
    # The gateway's settings for this store's quirks, by field name: each is the variable S3M_ + its name in capitals.
    settings: dict[str, Any] = field(default_factory=dict)


STORES = {
    "moto": Kind(
        "moto 5.2",
        "moto_endpoint",
        {
            "tampered URLs refused": "accepts tampered signatures",
            "expired URLs refused": "accepts expired URLs",
            "signed Content-Type held to": "ignores signed headers",
            "POST policies enforced": "does not check POST policies",
            "signed Content-Length held to": "ignores the signed Content-Length",
            "CORS rules applied and answered": "answers every preflight, whatever the bucket's rules",
        },
    ),
    "seaweedfs": Kind(
        "SeaweedFS 4.48",
        "seaweed_endpoint",
        {
            "website hosting": "serves no bucket as a website (it takes PUT ?website for a new bucket)",
            "public access block": "has no public access block",
        },
    ),
    "ceph": Kind(
        "Ceph RGW 16.2",
        "ceph_endpoint",
        {
            "default encryption": "refuses SSE-S3 without a key manager configured (InvalidArgument)",
            "storage class changed": "has only STANDARD unless its placement defines more classes (InvalidArgument)",
        },
    ),
    "s3rver": Kind(
        "s3rver 3.7",
        "s3rver_endpoint",
        {
            "tampered URLs refused": "checks no SigV4 signature",
            "signed Content-Type held to": "checks no SigV4 signature",
            "POST policies enforced": "does not check POST policies",
            "signed Content-Length held to": "checks no SigV4 signature",
            "multipart through /api/v1": "lists no parts of an upload: the API says so (501), and nothing resumes",
            "upload cap checked at completion": "lists no parts: a capped caller's multipart upload is refused (501)",
            "versions": "has no versioning (it takes PUT ?versioning for a new bucket)",
            "pending uploads and lifecycle": "lists no incomplete uploads, and has no lifecycle",
            "bucket policy": "has no bucket policies",
            "lifecycle rules edited": "has no lifecycle",
            "object lock": "has no object lock (no versions)",
            "bucket tags": "has no bucket tags",
            "default encryption": "has no default encryption",
            "public access block": "has no public access block",
        },
        {"copy_tags_again": True},  # it drops the tags of a copy
    ),
}
TABLE_START, TABLE_END = "<!-- compat table: start -->", "<!-- compat table: end -->"
OUTCOMES: dict[tuple[str, str], str] = {}  # (feature, store) -> passed, gap, failed: in the process that reports


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--compat-table", metavar="FILE", help="write the compatibility table into FILE's marked block")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test of a feature a store lacks must fail there: that is the gap, stated by the registry above."""
    for item in items:
        store, feature = store_and_feature(item)
        if store and feature in STORES[store].lacks:
            reason = f"{store} {STORES[store].lacks[feature]}"
            item.add_marker(pytest.mark.xfail(strict=True, raises=(AssertionError, ClientError), reason=reason))


def store_and_feature(item: pytest.Item) -> tuple[str | None, str | None]:
    marker = item.get_closest_marker("feature")
    callspec = getattr(item, "callspec", None)
    store = callspec.params.get("store") if callspec else None
    return store, (marker.args[0] if marker else None)


@pytest.fixture(autouse=True)
def fx_record_feature(request: pytest.FixtureRequest) -> None:
    """Carry the test's feature and store to the process that writes the table (xdist sends user_properties)."""
    store, feature = store_and_feature(request.node)
    if store and feature:
        request.node.user_properties += [("feature", feature), ("store", store)]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep each (feature, store)'s worst outcome: a gap, or a failure, outweighs a pass."""
    props = dict(report.user_properties)
    if "feature" not in props or (report.when != "call" and report.passed):
        return
    key = (str(props["feature"]), str(props["store"]))
    outcome = "gap" if hasattr(report, "wasxfail") else report.outcome
    if OUTCOMES.get(key, "passed") == "passed":
        OUTCOMES[key] = outcome


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("--compat-table")
    if not target or hasattr(session.config, "workerinput"):  # only the process that saw every report
        return
    path = Path(target)
    block = f"{TABLE_START}\n{table(OUTCOMES)}\n{TABLE_END}"
    pattern = f"{re.escape(TABLE_START)}.*?{re.escape(TABLE_END)}"
    path.write_text(re.sub(pattern, lambda _: block, path.read_text(), flags=re.S))


def table(outcomes: dict[tuple[str, str], str]) -> str:
    features = sorted({feature for feature, _ in outcomes}, key=str.lower)
    titles = " | ".join(kind.title for kind in STORES.values())
    rows = [f"| feature | {titles} |", "|---" * (len(STORES) + 1) + "|"]
    for feature in features:
        cells = [cell(outcomes.get((feature, store)), STORES[store].lacks.get(feature)) for store in STORES]
        rows.append(f"| {feature} | " + " | ".join(cells) + " |")
    for kind in STORES.values():
        if kind.settings:
            given = ", ".join(f"`S3M_{name.upper()}={str(value).lower()}`" for name, value in kind.settings.items())
            rows.append(f"\n{kind.title} runs with {given}.")
    return "\n".join(rows)


def cell(outcome: str | None, gap: str | None) -> str:
    if outcome == "passed":
        return "yes"
    if outcome == "gap":
        return f"no: {gap}"
    return "not run" if outcome is None else f"**{outcome}**"


@dataclass(frozen=True)
class Store:
    kind: Kind
    settings: Settings  # the gateway's, in front of this store
    s3: Any  # a boto3 client of the tests' own, to seed and inspect the store behind the gateway's back


@pytest.fixture(name="store", scope="session", params=list(STORES))
def fx_store(request: pytest.FixtureRequest) -> Store:
    kind = STORES[request.param]
    settings = replace(gateway_settings(request.getfixturevalue(kind.endpoint)), **kind.settings)
    return Store(kind, settings, make_client(settings, settings.endpoint_url))


@pytest.fixture(name="store_kind", scope="session")
def fx_store_kind(store: Store) -> Kind:
    return store.kind


@pytest.fixture(name="store_s3", scope="session")
def fx_store_s3(store: Store) -> Any:
    return store.s3


@pytest.fixture(name="store_settings", scope="session")
def fx_store_settings(store: Store) -> Settings:
    return store.settings


@pytest.fixture(name="store_app", scope="session")
def fx_store_app(store: Store) -> Litestar:
    return create_app(store.settings)


@pytest.fixture(name="store_client")
def fx_store_client(store_app: Litestar) -> Iterator[TestClient[Any]]:
    """The gateway in-process, in front of the store, sending its pages' CSRF token as they do. Whatever a store
    lacks, each answer must say so in a sentence (501): a 500 or a 502 fails the test, gap or not."""
    answers: list[httpx.Response] = []
    with TestClient(app=store_app) as client:
        client.event_hooks = {"response": [answers.append]}
        client.headers["x-csrftoken"] = page_token(client)
        yield client
    for answer in answers:
        answer.read()
        said = answer.status_code < 500 or (answer.status_code == 501 and "This store does not support" in answer.text)
        assert said and "Traceback" not in answer.text, (
            f"{answer.request.url}: {answer.status_code} {answer.text[:300]}"
        )

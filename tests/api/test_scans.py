"""Whole-folder scans (issue 18): search and folder size over every key below a folder, streamed as NDJSON, bounded
per request and continued by token, with only the keys the caller may list."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote

import anyio
import pytest
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.errors import BadRequest
from gateway.settings import Settings
from tests.conftest import gateway_settings, new_bucket, put, soup

# Keys in nested folders, with sizes and names to filter on, and sibling prefixes that are not below data/
KEYS = [f"data/{year}-{month:02}/report-{n}.{kind}" for year in (2025, 2026) for month in (1, 2, 11)
        for n in range(4) for kind in ("pdf", "csv")] + [f"data/deep/a/b/ÜNÏ %+{n}.txt" for n in range(12)]  # fmt: skip
SIBLING = ["database/report-1.pdf", "data-old/report-2.pdf"]
MANY = [f"many/{n // 100:02}/{n:04}.bin" for n in range(2100)]  # three listing pages of 1,000


def size_of(key: str) -> int:
    return len(key) * 3


def fill(s3: Any, keys: list[str]) -> str:
    bucket = new_bucket(s3)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda key: put(s3, bucket, key, body=b"x" * size_of(key)), keys))
    return bucket


@pytest.fixture(name="filled", scope="module")
def fx_filled(s3: Any) -> str:
    """One bucket for the module's searches, which change nothing; a folder marker is a folder, not a match."""
    return fill(s3, [*KEYS, *SIBLING, "data/deep/"])


@pytest.fixture(name="many", scope="module")
def fx_many(seaweed_s3: Any) -> str:
    """2,100 keys in SeaweedFS, which writes them in a few seconds (moto takes half a minute)."""
    return fill(seaweed_s3, MANY)


@pytest.fixture(name="on_seaweed", scope="module")
def fx_on_seaweed(seaweed_endpoint: str) -> Settings:
    return replace(gateway_settings(seaweed_endpoint), state_url=None)


def lines(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in answer.text.splitlines()]


def scan(client: TestClient[Any], bucket: str, **params: Any) -> tuple[list[str], dict[str, Any]]:
    """Every key a scan finds, following next_token, and the last request's end line."""
    found, token = [], None
    while True:
        answer = lines(
            client.get(f"/api/v1/buckets/{bucket}/scan", params={**params, **({"token": token} if token else {})})
        )
        found += [line["key"] for line in answer if "key" in line]
        end = answer[-1]["end"]
        if not (token := end["next_token"]):
            return found, end


def test_a_search_finds_exactly_the_matching_keys_below_the_folder(client: TestClient[Any], filled: str) -> None:
    below = [key for key in KEYS if key.startswith("data/")]
    text, _ = scan(client, filled, prefix="data/", text="REPORT-4")  # any case
    assert sorted(text) == sorted(k for k in below if "report-4" in k)
    glob, _ = scan(client, filled, prefix="data/", glob="2026-*/report-1*.pdf")
    assert sorted(glob) == sorted(k for k in below if fnmatchcase(k[5:], "2026-*/report-1*.pdf"))
    assert glob and not any(k.startswith(("database", "data-old")) for k in glob)  # siblings are not below data/
    odd, _ = scan(client, filled, prefix="data/deep/", text="ünï %+1")  # keys as stored: unicode, % and +
    assert sorted(odd) == sorted(k for k in KEYS if "ÜNÏ %+1" in k)
    sized, _ = scan(client, filled, prefix="data/", min_size="100", max_size="110")
    assert sorted(sized) == sorted(k for k in below if 100 <= size_of(k) <= 110)
    today = datetime.now(UTC).date()
    assert len(scan(client, filled, prefix="data/", after=today.isoformat())[0]) == len(below)
    assert scan(client, filled, prefix="data/", before=today.isoformat())[0] == []


def test_a_sorted_scan_gives_every_match_in_its_order_after_the_progress(client: TestClient[Any], filled: str) -> None:
    below = [key for key in KEYS if key.startswith("data/")]
    by_size, _ = scan(client, filled, prefix="data/", sort="-size")  # largest first, ties by key, reversed too
    assert by_size == sorted(below, key=lambda key: (size_of(key), key), reverse=True)
    assert scan(client, filled, prefix="data/", sort="-name")[0] == sorted(below, reverse=True)
    assert scan(client, filled, prefix="data/", sort="name")[0] == sorted(below)  # the store's own order
    pdfs, _ = scan(client, filled, prefix="data/", glob="*.pdf", sort="size")  # filters, then the order
    assert pdfs == sorted((k for k in below if k.endswith(".pdf")), key=lambda key: (size_of(key), key))
    newest = lines(client.get(f"/api/v1/buckets/{filled}/scan", params={"prefix": "data/", "sort": "-modified"}))
    dates = [line["modified"] for line in newest if "key" in line]
    assert len(dates) == len(below) and dates == sorted(dates, reverse=True)


def test_within_folder_scans_the_folders_own_objects_only(client: TestClient[Any], filled: str) -> None:
    own, _ = scan(client, filled, prefix="data/deep/a/b/", within="folder")
    assert sorted(own) == sorted(k for k in KEYS if k.startswith("data/deep/a/b/"))
    assert scan(client, filled, prefix="data/", within="folder")[0] == []  # every key of data/ is in a subfolder
    assert scan(client, filled, prefix="", within="folder", text="report")[0] == []  # nor at the top


def test_a_sorted_search_page_shows_its_first_rows_in_order(client: TestClient[Any], filled: str) -> None:
    query = {"prefix": "data/", "go": "search", "glob": "*.csv", "sort": "-size"}
    page = soup(client.get(f"/b/{filled}/search", params=query).text)
    shown = [a["href"].split("key=")[1] for a in page.select("#results tr td:first-child a")]
    csvs = sorted((k for k in KEYS if k.endswith(".csv")), key=lambda key: (size_of(key), key), reverse=True)
    assert [unquote(key) for key in shown] == csvs
    assert page.select_one("select[name=sort] option[selected]")["value"] == "-size"  # the form says how
    status = page.select_one("#scan-progress").text
    assert status.endswith(f"every key below {filled}/data/, sorted, the first {len(csvs)} shown.")
    assert page.select_one("#scan-more a") is None  # one request: nothing to go on with


@pytest.mark.slow
def test_a_folder_size_adds_up_every_key_as_a_direct_listing_does(
    on_seaweed: Settings, seaweed_s3: Any, many: str
) -> None:
    with TestClient(create_app(on_seaweed)) as client:
        answer = lines(client.get(f"/api/v1/buckets/{many}/scan", params={"prefix": "many/", "keys": "false"}))
    assert not any("key" in line for line in answer)
    assert [line["progress"]["scanned"] for line in answer[:-1]] == [1000, 2000]  # a line a listing page
    direct = seaweed_s3.get_paginator("list_objects_v2").paginate(Bucket=many, Prefix="many/")
    listed = [o for page in direct for o in page.get("Contents", [])]
    end = answer[-1]["end"]
    assert end == {"scanned": 2100, "matched": 2100, "bytes": sum(o["Size"] for o in listed),
                   "next_token": None, "stopped": ""}  # fmt: skip


def test_a_small_folder_is_one_page_and_one_end_line(client: TestClient[Any], filled: str) -> None:
    answer = lines(client.get(f"/api/v1/buckets/{filled}/scan", params={"prefix": "data/deep/", "keys": "false"}))
    expected = [k for k in KEYS if k.startswith("data/deep/")]
    end = {"scanned": 12, "matched": 12, "bytes": sum(map(size_of, expected)), "next_token": None, "stopped": ""}
    assert answer == [{"end": end}]


@pytest.mark.slow
def test_a_scan_stops_at_its_bounds_and_goes_on_from_its_token(on_seaweed: Settings, many: str) -> None:
    with TestClient(create_app(replace(on_seaweed, scan_limit=1000))) as client:
        first = lines(client.get(f"/api/v1/buckets/{many}/scan", params={"prefix": "many/", "keys": "false"}))
        end = first[-1]["end"]
        assert end["scanned"] == 1000 and end["stopped"] == "limit" and end["next_token"]
        keys, last = scan(client, many, prefix="many/")
        assert keys == MANY and last["stopped"] == "" and last["next_token"] is None
        sorted_first = lines(client.get(f"/api/v1/buckets/{many}/scan", params={"prefix": "many/", "sort": "-name"}))
        assert [line["key"] for line in sorted_first if "key" in line] == sorted(MANY[:1000], reverse=True)
        assert sorted_first[-1]["end"]["next_token"]  # the order of the first 1,000 keys: the answer says there is more
        page = soup(client.get(f"/b/{many}/search", params={"prefix": "many/", "go": "search", "sort": "-name"}).text)
        status = page.select_one("#scan-progress").text
        assert "sorted the first 1,000 keys of more below" in status and "the first 500 shown" in status
    with TestClient(create_app(replace(on_seaweed, scan_seconds=0.001))) as client:  # one page, then out of time
        end = lines(client.get(f"/api/v1/buckets/{many}/scan", params={"prefix": "many/", "keys": "false"}))[-1]
        assert end["end"]["scanned"] == 1000 and end["end"]["stopped"] == "time"


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"min_size": "lots"}, "min_size is a size"),
        ({"after": "yesterday"}, "after is a day"),
        ({"glob": "*" * 2000}, "at most 1024"),
        ({"limit": "0"}, "at least 1"),
        ({"sort": "date"}, "sort is one of name, size, modified"),
        ({"within": "everywhere"}, "within is below"),
    ],
)
def test_bad_scan_input_is_a_clear_400(client: TestClient[Any], filled: str, params: dict[str, str], says: str) -> None:
    answer = client.get(f"/api/v1/buckets/{filled}/scan", params={"prefix": "data/", **params})
    assert answer.status_code == 400 and says in answer.json()["message"]


def test_a_missing_bucket_is_a_404_before_any_line(client: TestClient[Any]) -> None:
    assert client.get("/api/v1/buckets/no-such-bucket-here/scan").status_code == 404


def test_the_scan_is_documented_in_the_openapi_schema(client: TestClient[Any]) -> None:
    schema = client.get("/api/schema/openapi.json").json()
    scan_route = schema["paths"]["/api/v1/buckets/{bucket}/scan"]["get"]
    assert "NDJSON" in scan_route["description"]
    assert "application/x-ndjson" in json.dumps(scan_route["responses"])


@pytest.fixture(name="versioned", scope="module")
def fx_versioned(s3: Any) -> str:
    """a.txt written twice (one older version), b.txt once, c.txt written then deleted (an older version and a
    delete marker), and a key that is not below the folder."""
    bucket = new_bucket(s3)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put(s3, bucket, "v/a.txt", body=b"first")
    put(s3, bucket, "v/a.txt", body=b"second!")
    put(s3, bucket, "v/sub/b.txt", body=b"bb")
    put(s3, bucket, "v/c.txt", body=b"gone soon")
    s3.delete_object(Bucket=bucket, Key="v/c.txt")
    put(s3, bucket, "elsewhere.txt", body=b"not below v/")
    return bucket


def test_a_versioned_folder_size_counts_older_versions_and_delete_markers_apart(
    client: TestClient[Any], versioned: str
) -> None:
    answer = lines(client.get(f"/api/v1/buckets/{versioned}/scan", params={"prefix": "v/", "versions": "true"}))
    assert [line["key"] for line in answer if "key" in line] == ["v/a.txt", "v/sub/b.txt"]  # the current ones
    end = answer[-1]["end"]
    assert end == {"scanned": 2, "matched": 2, "bytes": len(b"second!bb"), "older": 2, "delete_markers": 1,
                   "older_bytes": len(b"firstgone soon"), "next_token": None, "stopped": ""}  # fmt: skip
    page = soup(client.get(f"/b/{versioned}/search", params={"prefix": "v/", "go": "size"}).text)
    assert page.select_one("#scan-progress").text == (
        "2 objects, 9 B (9 bytes); and kept apart, as the bucket is versioned: 2 older versions, 14 B (14 bytes, "
        f"stored and billed too), and 1 delete marker: every key below {versioned}/v/."
    )


def test_versions_are_listed_page_after_page_from_the_two_markers(settings: Settings, versioned: str) -> None:
    """ListObjectVersions goes on from a key and a version id: the token carries both (pages of 2 here)."""
    from gateway.s3 import S3Storage

    storage = S3Storage(settings)
    seen, token = [], None
    while True:
        page = anyio.run(lambda: storage.versions_page(versioned, "v/", token, size=2))
        seen += [(e.key, e.size) for e in page.current + page.noncurrent] + [(e.key, -1) for e in page.delete_markers]
        if not (token := page.next_token):
            break
    assert sorted(seen) == [("v/a.txt", 5), ("v/a.txt", 7), ("v/c.txt", -1), ("v/c.txt", 9), ("v/sub/b.txt", 2)]
    with pytest.raises(BadRequest, match="not one the gateway gave"):
        anyio.run(lambda: storage.versions_page(versioned, "v/", "garbage"))

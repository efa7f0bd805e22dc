"""Copy, move and rename, server-side: every key arrives, a move removes only what arrived, nothing else is touched."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from litestar.testing import TestClient

import gateway.s3.copies
from tests.conftest import all_keys, new_bucket, put

MIB = 1024 * 1024


def run_all(client: TestClient[Any], bucket: str, body: dict[str, Any]) -> dict[str, Any]:
    """Drive a folder transfer page by page, as the explorer's script does; the sum of the answers."""
    total: dict[str, Any] = {"copied": 0, "deleted": 0, "failed": [], "pages": 0}
    token = None
    while True:
        answer = client.post(f"/b/{bucket}/transfer", json={**body, "token": token})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        total["copied"] += page["copied"]
        total["deleted"] += page["deleted"]
        total["failed"] += page["failed"] + page["not_deleted"]
        total["pages"] += 1
        token = page["next_token"]
        if not token:
            return total


def test_move_a_prefix_in_three_pages(
    client: TestClient[Any], s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 10 keys here (200 in use): three requests prove the paging; the browser tier moves 1,200 (slow)."""
    monkeypatch.setattr(gateway.s3.copies, "TRANSFER_PAGE", 10)
    keys = [f"logs/{n // 10:02}/{n:04}.txt" for n in range(25)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: put(s3, bucket, k, body=k.encode()), keys))
    put(s3, bucket, "logs", "logs-2026/a", "logsx")  # neighbours that only share letters
    target = new_bucket(s3)
    report = run_all(
        client, bucket, {"prefix": "logs/", "target_bucket": target, "target": "archive/logs/", "move": True}
    )
    assert (report["copied"], report["deleted"], report["failed"]) == (25, 25, [])
    assert report["pages"] == 3
    assert sorted(all_keys(s3, target)) == sorted("archive/" + k for k in keys)
    assert sorted(all_keys(s3, bucket)) == ["logs", "logs-2026/a", "logsx"]
    assert s3.get_object(Bucket=target, Key="archive/logs/02/0024.txt")["Body"].read() == b"logs/02/0024.txt"


def test_a_move_whose_copies_fail_deletes_nothing(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "keep/1", "keep/2")
    answer = client.post(
        f"/b/{bucket}/transfer",
        json={"prefix": "keep/", "target_bucket": "no-such-bucket-anywhere", "target": "", "move": True},
    )
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    answer = answer.json()
    assert answer["copied"] == 0 and answer["deleted"] == 0
    assert sorted(f["key"] for f in answer["failed"]) == ["keep/1", "keep/2"]
    assert "does not exist" in answer["failed"][0]["reason"]
    assert sorted(all_keys(s3, bucket)) == ["keep/1", "keep/2"]


def test_rename_copy_and_refusals(client: TestClient[Any], s3: Any, bucket: str) -> None:
    put(s3, bucket, "a/old name.txt", body=b"content")
    moved = client.post(
        f"/b/{bucket}/transfer",
        json={"key": "a/old name.txt", "target_bucket": bucket, "target": "a/new name.txt", "move": True},
    )
    assert moved.status_code == 200 and all_keys(s3, bucket) == ["a/new name.txt"]
    copy = {"key": "a/new name.txt", "target_bucket": bucket, "target": "b/copy.txt"}
    assert client.post(f"/b/{bucket}/transfer", json=copy).status_code == 200
    assert sorted(all_keys(s3, bucket)) == ["a/new name.txt", "b/copy.txt"]
    for body, says in (
        ({"prefix": "a/", "target_bucket": bucket, "target": "a/inner/"}, "into itself"),
        ({"prefix": "a/", "target_bucket": bucket, "target": "x"}, "end it with '/'"),
        ({"key": "a/new name.txt", "target_bucket": bucket, "target": "a/new name.txt"}, "already there"),
        ({"target_bucket": bucket, "target": "x/"}, "key of one object or the prefix"),
    ):
        refused = client.post(f"/b/{bucket}/transfer", json=body)
        assert refused.status_code == 400 and says in refused.json()["message"]
    assert sorted(all_keys(s3, bucket)) == ["a/new name.txt", "b/copy.txt"]


ATTRIBUTES = {
    "ContentType": "application/pdf",
    "CacheControl": "max-age=60",
    "ContentDisposition": 'attachment; filename="r.pdf"',
    "ContentLanguage": "fr",
    "Metadata": {"owner": "alice"},
}


def attributes_of(s3: Any, bucket: str, key: str) -> tuple[dict[str, Any], dict[str, str]]:
    head = s3.head_object(Bucket=bucket, Key=key)
    tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
    return {name: head.get(name) for name in ATTRIBUTES}, tags


@pytest.fixture(name="small_copy_parts")
def fx_small_copy_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies above 5 MiB go in parts, as those above 5 GiB do in use, so the multipart path runs on 6 MiB."""
    monkeypatch.setattr(
        gateway.s3.copies, "COPY", TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    )


def test_copies_in_parts_keep_headers_metadata_and_tags(
    client: TestClient[Any], s3: Any, bucket: str, small_copy_parts: None
) -> None:
    """Issue 14, item 16: a copy, a move and a version restore that go through UploadPartCopy carry everything."""
    s3.put_object(Bucket=bucket, Key="big.pdf", Body=os.urandom(6 * MIB), Tagging="team=blue&year=2026", **ATTRIBUTES)
    expected = attributes_of(s3, bucket, "big.pdf")
    for key, move in (("copied.pdf", False), ("moved.pdf", True)):
        source = "big.pdf" if not move else "copied.pdf"
        body = {"target_bucket": bucket, "target": key, "key": source, "move": move}
        assert client.post(f"/b/{bucket}/transfer/", json=body).status_code == 200
        assert attributes_of(s3, bucket, key) == expected, key
    assert sorted(all_keys(s3, bucket)) == ["big.pdf", "moved.pdf"]

    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(
        Bucket=bucket, Key="v.pdf", Body=os.urandom(6 * MIB), Tagging="team=blue&year=2026", **ATTRIBUTES
    )
    s3.put_object(Bucket=bucket, Key="v.pdf", Body=b"second")
    restored = client.post(f"/b/{bucket}/restore", data={"key": "v.pdf", "version": first["VersionId"]})
    assert restored.status_code == 200
    assert attributes_of(s3, bucket, "v.pdf") == expected


def test_copying_to_a_missing_bucket_names_the_target(client: TestClient[Any], s3: Any, bucket: str) -> None:
    """Issue 14, item 13: the message (and the audit event's reason) named the source bucket."""
    put(s3, bucket, "a.txt")
    body = {"target_bucket": "no-such-target-bucket", "target": "a.txt", "key": "a.txt"}
    answer = client.post(f"/b/{bucket}/transfer/", json=body)
    assert answer.status_code == 404 and answer.json()["message"] == "Bucket 'no-such-target-bucket' does not exist."


def test_a_rename_keeps_its_folder_and_never_overwrites(client: TestClient[Any], s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="d/old.txt", Body=b"mine", Metadata={"owner": "ann"})
    put(s3, bucket, "d/taken.txt", "d/sub/a", "d/other/b")
    form = client.get(f"/b/{bucket}/rename", params={"key": "d/old.txt"})
    assert form.status_code == 200 and 'value="old.txt"' in form.text
    for name, status, said in (
        ("taken.txt", 409, "taken.txt already exists here"),
        ("old.txt", 400, "That is its name already."),
        ("a/b.txt", 400, "may not contain &#39;/&#39;"),
        ("", 400, "must be non-empty"),
    ):
        answer = client.post(f"/b/{bucket}/rename", data={"key": "d/old.txt", "name": name})
        assert answer.status_code == status and said in answer.text, name
    renamed = client.post(f"/b/{bucket}/rename", data={"key": "d/old.txt", "name": "new ü.txt"}, follow_redirects=False)
    assert (renamed.status_code, renamed.headers["location"]) == (303, f"/b/{bucket}?prefix=d%2F")
    assert s3.get_object(Bucket=bucket, Key="d/new ü.txt")["Metadata"] == {"owner": "ann"}
    assert sorted(all_keys(s3, bucket)) == ["d/new ü.txt", "d/other/b", "d/sub/a", "d/taken.txt"]
    assert client.get(f"/b/{bucket}/rename", params={"key": "d/old.txt"}).status_code == 404
    folder = {"target_bucket": bucket, "prefix": "d/sub/", "target": "d/other/", "move": True, "only_new": True}
    refused = client.post(f"/b/{bucket}/transfer", json=folder)
    assert refused.status_code == 409 and "d/other/ already exists" in refused.json()["message"]
    assert run_all(client, bucket, {**folder, "target": "d/moved/"})["copied"] == 1
    assert sorted(all_keys(s3, bucket)) == ["d/moved/a", "d/new ü.txt", "d/other/b", "d/taken.txt"]

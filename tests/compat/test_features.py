"""The explorer's features, one test each, against every store: what the gateway asks of a store beyond signing."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.export import Exporter, ExportOptions
from gateway.rules.buckets import ABORT_RULE_ID
from gateway.settings import Settings
from tests.api.test_browse import rows
from tests.api.test_share import create, shared_url
from tests.conftest import HTMX, all_keys, new_bucket, put, soup, web

ODD = ["odd/a b.txt", "odd/ü é.txt", "odd/100%.txt", "odd/a+b.txt", "odd/<img src=x>.txt", "odd/日本.txt", "odd/z"]


@pytest.mark.feature("paging through odd keys")
def test_paging_lists_odd_keys_exactly_once_in_the_stores_order(store_settings: Settings, store_s3: Any) -> None:
    """Pages of 3 keys: continuation tokens that follow non-ASCII, `%` and `+` keys, as each store makes them."""
    bucket = new_bucket(store_s3)
    put(store_s3, bucket, *ODD)
    with TestClient(create_app(replace(store_settings, page_size=3))) as client:
        html = soup(client.get(f"/b/{bucket}", params={"prefix": "odd/"}).text)
        seen = rows(html)[1]
        while more := html.select_one("#more-rows a"):
            html = soup(client.get(more["hx-get"], headers=HTMX).text)
            seen += rows(html)[1]
    assert seen == all_keys(store_s3, bucket, "odd/") and sorted(seen) == sorted(ODD)


@pytest.mark.feature("copy and move, with metadata and tags")
def test_a_folder_moves_and_an_object_copies_with_its_metadata(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    put(store_s3, bucket, "from/1.txt", "from/deep/2.txt", "from-sibling.txt")
    store_s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"d", ContentType="text/plain", Metadata={"owner": "ann"})
    for key in ("doc.txt", "from/1.txt"):  # tagged apart: s3rver ignores tags given with the upload
        store_s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": "t", "Value": "1"}]})
    move = {"prefix": "from/", "target_bucket": bucket, "target": "to/", "move": True}
    moved = store_client.post(f"/b/{bucket}/transfer", json=move).json()
    assert (moved["copied"], moved["deleted"], moved["failed"]) == (2, 2, [])
    copy = {"key": "doc.txt", "target_bucket": bucket, "target": "copy of doc.txt"}
    assert store_client.post(f"/b/{bucket}/transfer", json=copy).status_code == 200
    assert sorted(all_keys(store_s3, bucket)) == [
        "copy of doc.txt", "doc.txt", "from-sibling.txt", "to/1.txt", "to/deep/2.txt"
    ]  # fmt: skip
    head = store_s3.head_object(Bucket=bucket, Key="copy of doc.txt")
    assert (head["ContentType"], head["Metadata"]) == ("text/plain", {"owner": "ann"})
    for key in ("copy of doc.txt", "to/1.txt"):
        tags = store_s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        assert [(t["Key"], t["Value"]) for t in tags] == [("t", "1")], key
    assert store_s3.get_object_tagging(Bucket=bucket, Key="to/deep/2.txt")["TagSet"] == []


@pytest.mark.feature("metadata and tags")
def test_metadata_and_tags_are_edited_in_place(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="r.csv", Body=b"a,b", ContentType="application/octet-stream")
    form = {"key": "r.csv", "content_type": "text/csv", "cache_control": "no-cache", "disposition": ""}
    saved = store_client.post(
        f"/b/{bucket}/edit", data={**form, "metadata": "owner: finance", "tags": "team=finance"}, headers=HTMX
    )
    assert saved.status_code == 200 and "Saved." in soup(saved.text).select_one(".notice").text
    head = store_s3.head_object(Bucket=bucket, Key="r.csv")
    assert (head["ContentType"], head["CacheControl"], head["Metadata"]) == (
        "text/csv",
        "no-cache",
        {"owner": "finance"},
    )
    tags = store_s3.get_object_tagging(Bucket=bucket, Key="r.csv")["TagSet"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("team", "finance")]
    assert store_s3.get_object(Bucket=bucket, Key="r.csv")["Body"].read() == b"a,b"


@pytest.mark.feature("versions")
def test_an_old_version_is_listed_downloaded_and_restored(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    store_s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = store_s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"first")["VersionId"]
    store_s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"second")
    rows = soup(store_client.get(f"/b/{bucket}/object", params={"key": "doc.txt"}).text).select("tr.version")
    assert len(rows) == 2
    old = store_client.get(f"/b/{bucket}/download", params={"key": "doc.txt", "version": first}, follow_redirects=False)
    assert web.get(old.headers["location"]).content == b"first"
    restored = store_client.post(f"/b/{bucket}/restore", data={"key": "doc.txt", "version": first}, headers=HTMX)
    assert restored.status_code == 200
    assert store_s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"first"


@pytest.mark.feature("versions")
def test_versioning_is_turned_on_from_the_page_and_a_delete_undone(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    """The bucket's settings turn versioning on; a delete through the gateway leaves a marker, which the folder's
    Versions view shows and Bring back removes: the object is there again, its bytes unchanged."""
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="docs/keep.txt", Body=b"kept")
    turned = store_client.post(f"/b/{bucket}/settings/versioning", data={"versioning": "Enabled"}, headers=HTMX)
    assert "Versioning is on." in turned.text
    assert store_s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    store_client.post(f"/b/{bucket}/delete", data={"key": "docs/keep.txt"}, headers=HTMX)
    view = soup(store_client.get(f"/b/{bucket}/versions", params={"prefix": "docs/"}).text)
    marker = view.select_one("tr.version.marker.latest[data-key='docs/keep.txt']")
    assert marker is not None
    back = store_client.post(
        f"/b/{bucket}/undelete", data={"key": "docs/keep.txt", "version": marker["data-version"]}, headers=HTMX
    )
    assert "Brought back keep.txt." in back.text
    assert store_s3.get_object(Bucket=bucket, Key="docs/keep.txt")["Body"].read() == b"kept"


@pytest.mark.feature("bucket policy")
def test_a_public_read_policy_saved_from_the_page_opens_one_prefix_to_anyone(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    """The settings page's helper writes the statement, the review shows it, saving puts it; then a request with no
    signature at all reads that prefix and nothing else, until the policy is removed."""
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"for anyone")
    store_s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"not for anyone")
    endpoint = store_s3.meta.endpoint_url
    reviewed = store_client.post(f"/b/{bucket}/settings/policy/review", data={"public_prefix": "public/"}, headers=HTMX)
    assert reviewed.status_code == 200, reviewed.text
    policy = soup(reviewed.text).select_one(".policy-review input[name=policy]")["value"]
    saved = store_client.post(f"/b/{bucket}/settings/policy", data={"policy": policy}, headers=HTMX)
    assert "Saved the bucket policy." in saved.text
    assert web.get(f"{endpoint}/{bucket}/public/a.txt").content == b"for anyone"
    assert web.get(f"{endpoint}/{bucket}/private/b.txt").status_code == 403
    removed = store_client.post(f"/b/{bucket}/settings/policy/delete", headers=HTMX)
    assert "Removed the bucket policy." in removed.text
    assert web.get(f"{endpoint}/{bucket}/public/a.txt").status_code == 403


@pytest.mark.feature("website hosting")
def test_the_bucket_is_made_a_website_from_the_page(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    page = store_client.get(f"/b/{bucket}/settings")
    assert page.status_code == 200 and "The bucket is no website." in page.text
    served = store_client.post(f"/b/{bucket}/settings/website", data={"index": "index.html"}, headers=HTMX)
    assert "each folder is answered by its index.html" in served.text, served.text
    assert store_s3.get_bucket_website(Bucket=bucket)["IndexDocument"] == {"Suffix": "index.html"}


@pytest.mark.feature("lifecycle rules edited")
def test_a_lifecycle_rule_from_the_form_is_saved_in_the_store(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    form = {"id": "old-logs", "prefix": "logs/", "expire_days": "30"}
    reviewed = store_client.post(f"/b/{bucket}/settings/lifecycle/review", data=form, headers=HTMX)
    assert reviewed.status_code == 200, reviewed.text
    shown = soup(reviewed.text).select_one(".rule-review input[name=rule]")
    assert shown is not None, "the lifecycle section says the store has none"
    rule = shown["value"]
    saved = store_client.post(f"/b/{bucket}/settings/lifecycle/rule", data={"rule": rule}, headers=HTMX)
    assert "Saved the rule old-logs." in saved.text, saved.text
    (stored,) = store_s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert (stored["ID"], stored["Expiration"]["Days"]) == ("old-logs", 30)
    listed = soup(store_client.get(f"/b/{bucket}/settings").text).select_one(".lifecycle-rules")
    assert listed is not None and "Objects under logs/: expire after 30 days." in listed.get_text()


@pytest.mark.feature("object lock")
def test_a_bucket_made_with_object_lock_retains_an_object_as_the_page_sets(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    """Created with the option, the bucket locks; a GOVERNANCE retention set from the details keeps the object
    from a plain delete of that version, and the store holds the date the page gave."""
    bucket = f"t-{uuid.uuid4().hex[:12]}"
    made = store_client.post("/buckets", data={"name": bucket, "object_lock": "on"}, headers=HTMX)
    assert made.status_code == 200, made.text
    put_answer = store_s3.put_object(Bucket=bucket, Key="kept.txt", Body=b"kept")
    assert "VersionId" in put_answer, "a locked bucket keeps versions"
    version = put_answer["VersionId"]
    year = datetime.now(UTC).year + 1
    form = {"key": "kept.txt", "mode": "GOVERNANCE", "until": f"{year}-06-30"}
    retained = store_client.post(f"/b/{bucket}/retention", data=form, headers=HTMX)
    assert f"Retained until {year}-06-30 (GOVERNANCE)." in retained.text, retained.text
    head = store_s3.head_object(Bucket=bucket, Key="kept.txt")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"].date().isoformat()) == (
        "GOVERNANCE",
        f"{year}-06-30",
    )
    with pytest.raises(ClientError):
        store_s3.delete_object(Bucket=bucket, Key="kept.txt", VersionId=version)
    store_s3.delete_object(Bucket=bucket, Key="kept.txt", VersionId=version, BypassGovernanceRetention=True)


@pytest.mark.feature("bucket tags")
def test_bucket_tags_from_the_page_are_kept_by_the_store(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    tagged = store_client.post(f"/b/{bucket}/settings/tags", data={"tags": "team=finance\n"}, headers=HTMX)
    assert "The bucket has 1 tag." in tagged.text, tagged.text
    assert store_s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "finance"}]


@pytest.mark.feature("default encryption")
def test_default_encryption_from_the_page_is_kept_by_the_store(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    saved = store_client.post(f"/b/{bucket}/settings/encryption", data={"algorithm": "AES256"}, headers=HTMX)
    assert "New objects are encrypted with AES256" in saved.text, saved.text
    rules = store_s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


@pytest.mark.feature("public access block")
def test_public_access_blocks_from_the_page_are_kept_by_the_store(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    saved = store_client.post(f"/b/{bucket}/settings/public-access", data={"BlockPublicPolicy": "on"}, headers=HTMX)
    assert "1 of 4 public access blocks on." in saved.text, saved.text
    config = store_s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config["BlockPublicPolicy"] and not config["BlockPublicAcls"]


@pytest.mark.feature("storage class changed")
def test_an_object_moves_to_another_storage_class_from_its_details(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    bucket = new_bucket(store_s3)
    store_s3.put_object(Bucket=bucket, Key="a.csv", Body=b"a,b", ContentType="text/csv", Metadata={"owner": "fin"})
    form = {"key": "a.csv", "storage_class": "STANDARD_IA"}
    moved = store_client.post(f"/b/{bucket}/storage-class", data=form, headers=HTMX)
    assert "Moved to STANDARD_IA." in moved.text, moved.text
    head = store_s3.head_object(Bucket=bucket, Key="a.csv")
    assert (head.get("StorageClass"), head["ContentType"], head["Metadata"]) == (
        "STANDARD_IA",
        "text/csv",
        {"owner": "fin"},
    )


@pytest.mark.feature("share links, listed and revoked")
def test_share_links_kept_in_the_store_are_listed_opened_and_revoked_one_by_one(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    """A gateway link's record lives in the store itself (S3M_STATE_S3_URL): written, listed, read and deleted there."""
    bucket = new_bucket(store_s3)
    for key in ("a.txt", "b.txt"):
        store_s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    links = {
        key: urlsplit(shared_url(create(store_client, bucket, key, 3600, "gateway"))).path for key in ("a.txt", "b.txt")
    }
    listed = soup(store_client.get("/shares").text).select("tbody tr")
    shared = {row.select_one("td").text: row.select_one("input[name=id]")["value"] for row in listed}
    assert {f"{bucket}/a.txt", f"{bucket}/b.txt"} <= shared.keys()
    assert store_client.post("/shares/revoke", data={"id": shared[f"{bucket}/a.txt"]}).status_code == 200
    assert store_client.get(links["a.txt"], follow_redirects=False).status_code == 404
    opened = store_client.get(links["b.txt"], follow_redirects=False)
    assert web.get(opened.headers["location"]).content == b"b.txt"


@pytest.mark.feature("pending uploads and lifecycle")
def test_pending_uploads_are_aborted_and_a_lifecycle_rule_added(store_client: TestClient[Any], store_s3: Any) -> None:
    bucket = new_bucket(store_s3)
    store_s3.create_multipart_upload(Bucket=bucket, Key="half.bin")
    page = soup(store_client.get(f"/b/{bucket}/settings").text)
    assert [li.select_one("code").text for li in page.select("ul.pending li")] == ["half.bin"]
    assert "Aborted 1 incomplete upload." in store_client.post(f"/b/{bucket}/settings/abort-uploads").text
    assert store_s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    added = store_client.post(f"/b/{bucket}/settings/lifecycle")
    assert added.status_code == 200, added.text[:300]
    rules = store_s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in rules] == [ABORT_RULE_ID]


@pytest.mark.feature("CORS rules applied and answered")
def test_the_cors_doctor_applies_a_rule_the_store_then_answers_preflights_by(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    bucket = new_bucket(store_s3)
    store_s3.delete_bucket_cors(Bucket=bucket)
    origin = "https://files.example.com"
    applied = store_client.post(f"/b/{bucket}/settings/cors", data={"origin": origin})
    assert applied.status_code == 200
    assert store_s3.get_bucket_cors(Bucket=bucket)["CORSRules"][0]["AllowedOrigins"] == [origin]
    url = f"{store_s3.meta.endpoint_url}/{bucket}/some-key"

    def preflight(asking: str) -> Any:
        headers = {"Origin": asking, "Access-Control-Request-Method": "PUT"}
        return web.options(url, headers={**headers, "Access-Control-Request-Headers": "content-type"})

    allowed = preflight(origin)
    assert allowed.status_code == 200 and allowed.headers.get("access-control-allow-origin") in (origin, "*")
    assert preflight("https://elsewhere.example").headers.get("access-control-allow-origin") is None


@pytest.mark.feature("static export")
def test_a_bucket_exports_to_pages_whose_links_fetch_the_bytes(
    store_settings: Settings, store_s3: Any, tmp_path: Path
) -> None:
    bucket = new_bucket(store_s3)
    keys = ["index.txt", "docs/a b.txt", "docs/ü.txt"]
    for key in keys:
        put(store_s3, bucket, key, body=key.encode())
    report = Exporter(store_settings, ExportOptions(bucket, "", tmp_path, presign_expires=600)).run()
    assert report.objects == 3 and report.pages_written == 2
    links = [a["href"] for page in tmp_path.rglob("index.html") for a in soup(page.read_text()).select("tr.object a")]
    assert sorted(web.get(href).content.decode() for href in links) == sorted(keys)


@pytest.mark.feature("static export")
def test_an_export_listed_in_ranges_writes_the_pages_one_listing_writes(
    store_settings: Settings, store_s3: Any, tmp_path: Path
) -> None:
    """Ranges start after a key the store may not hold (StartAfter) and end where the next range's folder begins:
    folders whose names sort around '/' ('a-x/', 'a.d/', 'a/') and files beside them."""
    bucket = new_bucket(store_s3)
    put(store_s3, bucket, "a-x/1", "a-x/2", "a.d/3", "a.txt", "a/4", "a/b/5", "a0", "b/6", "c/7", "c/ü/8", "d", "e/9")

    def rows_by_page(workers: int) -> dict[str, list[str]]:
        out = tmp_path / str(workers)
        options = ExportOptions(bucket, "", out, base_url="https://cdn.example/", list_workers=workers)
        Exporter(store_settings, options).run()
        return {
            page.relative_to(out).as_posix(): [a["href"] for a in soup(page.read_text()).select("tbody a")]
            for page in out.rglob("index.html")
        }

    in_one_walk = rows_by_page(1)
    assert len(in_one_walk) == 9 and sum(map(len, in_one_walk.values())) == 12 + 8  # files, and the folders' rows
    assert rows_by_page(4) == in_one_walk


def test_every_store_answers_the_bucket_list(store_client: TestClient[Any], store_s3: Any) -> None:
    """Not a feature, a sanity check: the gateway sees the store's buckets."""
    bucket = new_bucket(store_s3)
    assert bucket in [a.text for a in soup(store_client.get("/").text).select("a.bucket")]


@pytest.mark.feature("Uppy's /s3/ routes")
def test_uppy_uploads_by_form_post_and_in_parts(store_settings: Settings, store_s3: Any) -> None:
    """The routes Uppy's S3 plugin calls, with the gateway's upload target set to a bucket of this store."""
    bucket = new_bucket(store_s3)
    configured = replace(store_settings, upload_bucket=bucket, upload_prefix="up/")
    with TestClient(create_app(configured)) as uppy:
        params = uppy.get("/s3/params", params={"filename": "small.txt", "type": "text/plain"}).json()
        sent = web.post(params["url"], data=params["fields"], files={"file": ("small.txt", b"hello", "text/plain")})
        assert sent.status_code in (200, 201, 204), sent.text[:300]
        parts = [b"x" * 5 * 1024 * 1024, b"tail"]
        created = uppy.post("/s3/multipart", json={"filename": "big.bin", "type": "", "metadata": {}}).json()
        handle, key = created["uploadId"], created["key"]
        etags = []
        for number, body in enumerate(parts, start=1):
            url = uppy.get(f"/s3/multipart/{handle}/{number}", params={"key": key}).json()["url"]
            etags.append(web.put(url, content=body).headers["etag"])
        done = uppy.post(
            f"/s3/multipart/{handle}/complete",
            params={"key": key},
            json={"parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]},
        )
        assert done.status_code == 200, done.text[:300]
    assert store_s3.get_object(Bucket=bucket, Key="up/small.txt")["Body"].read() == b"hello"
    assert store_s3.get_object(Bucket=bucket, Key="up/big.bin")["Body"].read() == b"".join(parts)


@pytest.mark.feature("folders: create, count and delete")
def test_a_folder_is_made_counted_and_deleted_with_everything_under_it_and_nothing_beside(
    store_client: TestClient[Any], store_s3: Any
) -> None:
    bucket = new_bucket(store_s3)
    inside, beside = ["a/b/1", "a/b/deep/2", "a/b/ü 3"], ["a/bc/1", "a/b.txt", "b/a/b/1"]
    put(store_s3, bucket, *inside, *beside)
    made = store_client.post(f"/b/{bucket}/folders", data={"prefix": "a/b/", "name": "new"}, headers=HTMX)
    assert made.status_code == 200 and soup(made.text).select_one("#flash .notice").text == "Created folder new."
    assert rows(soup(store_client.get(f"/b/{bucket}", params={"prefix": "a/b/"}).text))[0] == ["a/b/deep/", "a/b/new/"]
    asked = store_client.get(f"/b/{bucket}/delete-folder", params={"prefix": "a/b/"}, headers=HTMX)
    assert "4 objects" in soup(asked.text).get_text(" ", strip=True)
    answer = store_client.post(f"/b/{bucket}/delete-folder", data={"prefix": "a/b/"}, headers=HTMX)
    assert soup(answer.text).select_one("#flash .notice").text == "Folder a/b/: Deleted 4 objects."
    assert sorted(all_keys(store_s3, bucket)) == sorted(beside)


@pytest.mark.feature("bucket creation")
def test_a_bucket_is_created_then_deleted_once_empty(store_client: TestClient[Any], store_s3: Any) -> None:
    name = f"new-{new_bucket(store_s3)[2:]}"
    created = store_client.post("/buckets", data={"name": name}, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == f"/b/{name}"
    assert name in [b["Name"] for b in store_s3.list_buckets()["Buckets"]]
    assert store_client.post("/buckets", data={"name": name}, headers=HTMX).status_code == 409
    assert store_client.post(f"/b/{name}/delete-bucket", headers=HTMX).status_code == 200
    assert name not in [b["Name"] for b in store_s3.list_buckets()["Buckets"]]

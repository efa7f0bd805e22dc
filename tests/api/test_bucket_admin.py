"""A bucket's administration (the `admin` action, which `write` does not imply): versioning turned on and suspended,
the folder's Versions view, where a deleted object is brought back by removing its delete marker, and the bucket
policy, reviewed as a diff before it is saved."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from gateway.app import create_app
from gateway.security.grants import token_digest
from gateway.settings import Settings
from tests.conftest import HTMX, new_bucket, soup

TOKENS = {"ada": "ada-admin-token-0123456789", "ed": "ed-editor-token-0123456789", "viv": "viv-viewer-token-012345"}
ACTIONS = {
    "ada": '["list", "read", "write", "admin"]',
    "ed": '["list", "read", "write", "delete", "share"]',
    "viv": '["list"]',
}


def bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def access_file(path: Path) -> Path:
    """ada administers, ed edits, viv looks: in every bucket (each test makes its own)."""
    path.write_text(
        "".join(
            f'[tokens.{name}]\nsha256 = "{token_digest(token)}"\n'
            f'grants = [{{bucket = "*", actions = {ACTIONS[name]}}}]\n'
            for name, token in TOKENS.items()
        )
    )
    return path


@pytest.fixture(name="versioned")
def fx_versioned(s3: Any) -> str:
    bucket = new_bucket(s3)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


@pytest.fixture(name="team_app", scope="module")
def fx_team_app(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """One app for the module (building one costs a third of a second); a client and lifespan per test."""
    access = access_file(tmp_path_factory.mktemp("admin") / "access.toml")
    return create_app(replace(settings, access_file=access))


@pytest.fixture(name="team")
def fx_team(team_app: Litestar) -> Iterator[TestClient[Any]]:
    with TestClient(team_app) as client:
        yield client


def test_only_an_administrator_turns_versioning_on_or_suspends_it(
    team: TestClient[Any], versioned: str, s3: Any, settings: Settings, tmp_path: Path
) -> None:
    url = f"/b/{versioned}/settings/versioning"
    assert (
        team.post(url, data={"versioning": "Suspended"}, headers=bearer("ed")).status_code == 403
    )  # write is not admin
    page = soup(team.get(f"/b/{versioned}/settings", headers=bearer("ed")).text)
    assert "Versioning is on" in page.select_one(".versioning-status").get_text()
    assert page.select_one("input[name=versioning]") is None  # nothing to press without the grant

    suspended = team.post(url, data={"versioning": "Suspended"}, headers=bearer("ada"))
    assert "Versioning is suspended." in suspended.text
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Suspended"
    assert team.post(url, data={"versioning": "Off"}, headers=bearer("ada")).status_code == 400
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Suspended"  # a refusal changes nothing
    assert "Versioning is on." in team.post(url, data={"versioning": "Enabled"}, headers=bearer("ada")).text
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Enabled"

    access = access_file(tmp_path / "read-only.toml")
    with TestClient(create_app(replace(settings, access_file=access, read_only=True))) as frozen:
        assert frozen.post(url, data={"versioning": "Suspended"}, headers=bearer("ada")).status_code == 403


def test_a_deleted_object_is_found_in_the_versions_view_and_brought_back(
    team: TestClient[Any], versioned: str, s3: Any
) -> None:
    first = s3.put_object(Bucket=versioned, Key="docs/a.txt", Body=b"one")["VersionId"]
    s3.put_object(Bucket=versioned, Key="docs/a.txt", Body=b"two")
    s3.put_object(Bucket=versioned, Key="docs/sub/b.txt", Body=b"b")
    marker = s3.delete_object(Bucket=versioned, Key="docs/a.txt")["VersionId"]

    page = soup(team.get(f"/b/{versioned}/versions?prefix=docs/", headers=bearer("viv")).text)
    assert [r["data-name"] for r in page.select("tr.folder")] == ["sub"]
    rows = [
        (r["data-version"], r.select_one(".badge").get_text() if r.select_one(".badge") else "")
        for r in page.select("tr.version")
    ]
    assert rows[0] == (marker, "deleted") and [badge for _, badge in rows[1:]] == ["older", "older"]
    assert rows[2][0] == first  # newest first

    undelete = f"/b/{versioned}/undelete"
    assert team.post(undelete, data={"key": "docs/a.txt", "version": marker}, headers=bearer("viv")).status_code == 403
    refused = team.post(undelete, data={"key": "docs/a.txt", "version": first}, headers=bearer("ed"))
    assert refused.status_code == 409  # a real version is never removed by this route
    back = team.post(
        undelete, data={"key": "docs/a.txt", "version": marker}, headers=bearer("ed"), follow_redirects=False
    )
    assert (back.status_code, back.headers["location"]) == (303, f"/b/{versioned}/versions?prefix=docs%2F")
    assert s3.get_object(Bucket=versioned, Key="docs/a.txt")["Body"].read() == b"two"
    assert len(s3.list_object_versions(Bucket=versioned, Prefix="docs/a.txt")["Versions"]) == 2  # both kept
    again = team.post(undelete, data={"key": "docs/a.txt", "version": marker}, headers=bearer("ed"))
    assert again.status_code == 409 and "nothing to bring back" in again.text


def policy_form(text: str) -> dict[str, str]:
    return {"policy": text}


def test_a_policy_is_reviewed_then_saved_and_one_with_mistakes_changes_nothing(
    team: TestClient[Any], versioned: str, s3: Any
) -> None:
    """The policy editor: only an administrator; mistakes refused in sentences before the store is asked; the
    helper's public-read statement shown as a diff, with its warning, then saved; and removed."""
    review = f"/b/{versioned}/settings/policy/review"
    statement = {"Effect": "Permit", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::elsewhere/*"}
    wrong = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    refused = team.post(review, data=policy_form(wrong), headers=bearer("ada"))
    assert refused.status_code == 400
    for sentence in ('"Effect" must be "Allow" or "Deny"', 'add "Principal"', "elsewhere/* is not in this bucket"):
        assert sentence in soup(refused.text).get_text(), sentence
    assert team.post(review, data=policy_form("{not json"), headers=bearer("ada")).status_code == 400
    assert (
        team.post(f"/b/{versioned}/settings/policy", data=policy_form(wrong), headers=bearer("ada")).status_code == 400
    )
    assert team.post(review, data={"public_prefix": "public/"}, headers=bearer("ed")).status_code == 403

    shown = soup(team.post(review, data={"public_prefix": "public/"}, headers=bearer("ada")).text)
    assert f'+      "Resource": "arn:aws:s3:::{versioned}/public/*"' in shown.select_one(".policy-diff").get_text()
    assert "anyone on the internet may s3:GetObject" in shown.select_one(".policy-review").get_text()
    proposed = shown.select_one(".policy-review input[name=policy]")["value"]
    with pytest.raises(Exception, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=versioned)  # reviewing saved nothing

    saved = soup(team.post(f"/b/{versioned}/settings/policy", data=policy_form(proposed), headers=bearer("ada")).text)
    assert "Saved the bucket policy." in saved.get_text()
    assert "anyone on the internet may s3:GetObject" in saved.select_one(".public-warning").get_text()
    stored = json.loads(s3.get_bucket_policy(Bucket=versioned)["Policy"])
    assert stored["Statement"][0]["Resource"] == f"arn:aws:s3:::{versioned}/public/*"

    removed = team.post(f"/b/{versioned}/settings/policy/delete", headers=bearer("ada"))
    assert "Removed the bucket policy." in removed.text
    with pytest.raises(Exception, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=versioned)


def test_a_bucket_is_created_with_versioning_or_object_lock_by_an_administrator(team: TestClient[Any], s3: Any) -> None:
    """ed may create buckets, not choose their settings; ada may do both."""
    plain, versioned, locked, placed = (f"t-{uuid.uuid4().hex[:12]}" for _ in range(4))  # not made yet

    def create(who: str, name: str, **options: str) -> int:
        return team.post("/buckets", data={"name": name, **options}, headers=bearer(who)).status_code

    assert create("ed", plain, versioning="on") == 403
    assert plain not in [b["Name"] for b in s3.list_buckets()["Buckets"]]  # refused before it was made
    assert create("ada", versioned, versioning="on") == 200
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Enabled"
    assert create("ada", locked, object_lock="on") == 200
    lock = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert create("ed", placed, region="eu-west-1") == 403
    assert create("ada", placed, region="EU West") == 400
    assert create("ada", placed, region="eu-west-1") == 200
    assert s3.get_bucket_location(Bucket=placed)["LocationConstraint"] == "eu-west-1"
    assert create("ed", plain) == 200
    assert "Status" not in s3.get_bucket_versioning(Bucket=plain)


def test_the_bucket_is_served_as_a_website_and_stops(team: TestClient[Any], versioned: str, s3: Any) -> None:
    url = f"/b/{versioned}/settings/website"
    form = {"index": "index.html", "error": "missing.html"}
    assert team.post(url, data=form, headers=bearer("ed")).status_code == 403
    assert team.post(url, data={"index": "a/index.html"}, headers=bearer("ada")).status_code == 400
    with pytest.raises(Exception, match="NoSuchWebsiteConfiguration"):
        s3.get_bucket_website(Bucket=versioned)  # a refusal changes nothing
    served = soup(team.post(url, data=form, headers=bearer("ada")).text)
    assert "each folder is answered by its index.html" in served.select_one(".website-status").get_text()
    website = s3.get_bucket_website(Bucket=versioned)
    assert (website["IndexDocument"], website["ErrorDocument"]) == ({"Suffix": "index.html"}, {"Key": "missing.html"})
    stopped = team.post(f"{url}/delete", headers=bearer("ada"))
    assert "The bucket is no website now." in stopped.text
    with pytest.raises(Exception, match="NoSuchWebsiteConfiguration"):
        s3.get_bucket_website(Bucket=versioned)


def test_default_encryption_and_bucket_tags_are_set_by_an_administrator(
    team: TestClient[Any], versioned: str, s3: Any
) -> None:
    settings_url = f"/b/{versioned}/settings"
    assert (
        team.post(f"{settings_url}/encryption", data={"algorithm": "AES256"}, headers=bearer("ed")).status_code == 403
    )
    assert (
        team.post(f"{settings_url}/encryption", data={"algorithm": "ROT13"}, headers=bearer("ada")).status_code == 400
    )
    saved = soup(team.post(f"{settings_url}/encryption", data={"algorithm": "AES256"}, headers=bearer("ada")).text)
    assert "encrypted with AES256 (SSE-S3" in saved.select_one(".encryption-status").get_text()
    rule = s3.get_bucket_encryption(Bucket=versioned)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"

    s3.put_object(Bucket=versioned, Key="sealed.txt", Body=b"x", ServerSideEncryption="AES256")
    details = soup(team.get(f"/b/{versioned}/object?key=sealed.txt", headers=bearer("ed")).text)
    assert "AES256 (SSE-S3" in details.get_text()  # each object's encryption, in its details

    tags = {"tags": "team=finance\ncost-centre = 42\n"}
    assert team.post(f"{settings_url}/tags", data=tags, headers=bearer("ed")).status_code == 403
    assert team.post(f"{settings_url}/tags", data={"tags": "no separator"}, headers=bearer("ada")).status_code == 400
    tagged = soup(team.post(f"{settings_url}/tags", data=tags, headers=bearer("ada")).text)
    assert [(r.th.get_text(), r.td.get_text()) for r in tagged.select(".bucket-tags tr")] == [
        ("team", "finance"),
        ("cost-centre", "42"),
    ]
    assert {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=versioned)["TagSet"]} == {
        "team": "finance",
        "cost-centre": "42",
    }
    assert "The bucket has 0 tags." in team.post(f"{settings_url}/tags", data={"tags": ""}, headers=bearer("ada")).text
    with pytest.raises(Exception, match="NoSuchTagSet"):
        s3.get_bucket_tagging(Bucket=versioned)


def test_a_lifecycle_rule_is_built_from_the_form_reviewed_saved_and_removed(
    team: TestClient[Any], versioned: str, s3: Any
) -> None:
    """Mistakes are refused with a sentence each and leave the rules as they were; a good rule is shown in words and
    as JSON, saved beside the bucket's other rules (one of the same name is replaced), and removed."""
    other = {"ID": "keep-me", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}
    s3.put_bucket_lifecycle_configuration(Bucket=versioned, LifecycleConfiguration={"Rules": [other]})
    review = f"/b/{versioned}/settings/lifecycle/review"
    wrong = {"id": "", "expire_days": "soon", "keep_newest": "3", "transition_days": "30", "transition_class": "COLD"}
    refused = team.post(review, data=wrong, headers=bearer("ada"))
    assert refused.status_code == 400
    said = soup(refused.text).get_text()
    for sentence in ("Name the rule", "not 'soon'", "goes with deleting the others", "Move to which class?"):
        assert sentence in said, sentence
    assert team.post(review, data={"id": "x", "expire_days": "5"}, headers=bearer("ed")).status_code == 403

    form = {"id": "logs", "prefix": "logs/", "tags": "kind=debug", "noncurrent_days": "30", "keep_newest": "2"}
    form |= {"transition_days": "60", "transition_class": "GLACIER", "abort_days": "7"}
    shown = soup(team.post(review, data=form, headers=bearer("ada")).text).select_one(".rule-review")
    words = "Objects under logs/ tagged kind=debug: delete older versions after 30 days, keeping the newest 2; "
    assert words + "move to GLACIER after 60 days; abort uploads after 7 days." in shown.get_text()
    rule = shown.select_one("input[name=rule]")["value"]
    assert json.loads(rule)["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}
    assert [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=versioned)["Rules"]] == ["keep-me"]

    saved = team.post(f"/b/{versioned}/settings/lifecycle/rule", data={"rule": rule}, headers=bearer("ada"))
    assert "Saved the rule logs." in saved.text
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=versioned)["Rules"]}
    assert rules.keys() == {"keep-me", "logs"}
    assert rules["logs"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30  # moto keeps no NewerNoncurrent...
    assert rules["logs"]["Filter"]["And"] == {"Prefix": "logs/", "Tags": [{"Key": "kind", "Value": "debug"}]}

    editing = soup(team.get(f"/b/{versioned}/settings?edit_rule=logs", headers=bearer("ada")).text)
    form_tag = editing.select_one(".rule-form form")
    fields = {i["name"]: i.get("value", "") for i in form_tag.select("input[name]:not([type=checkbox])")}
    fields |= {t["name"]: t.get_text() for t in form_tag.select("textarea")}
    for select in form_tag.select("select"):
        chosen = select.select_one("option[selected]")
        fields[select["name"]] = chosen.get_text() if chosen else ""
    assert (fields["id"], fields["prefix"], fields["noncurrent_days"], fields["tags"]) == (
        "logs",
        "logs/",
        "30",
        "kind=debug\n",
    )
    assert fields["transition_class"] == "GLACIER"
    changed = team.post(review, data={**fields, "noncurrent_days": "45"}, headers=bearer("ada"))
    rule = soup(changed.text).select_one(".rule-review input[name=rule]")["value"]
    team.post(f"/b/{versioned}/settings/lifecycle/rule", data={"rule": rule}, headers=bearer("ada"))
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=versioned)["Rules"]}
    assert rules["logs"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 45 and len(rules) == 2  # replaced

    removed = team.post(f"/b/{versioned}/settings/lifecycle/remove", data={"id": "logs"}, headers=bearer("ada"))
    assert "Removed the rule logs." in removed.text
    assert [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=versioned)["Rules"]] == ["keep-me"]


def test_object_lock_retention_follows_its_mode_and_legal_hold_is_set_and_lifted(
    settings: Settings, s3: Any, tmp_path: Path
) -> None:
    """Per object, in a bucket made with object lock: COMPLIANCE can only be lengthened, by anyone; GOVERNANCE is
    shortened only with bypass_governance; a legal hold goes on and off; the bucket's default retention is set."""
    bucket = f"t-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    s3.put_object(Bucket=bucket, Key="kept.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="governed.txt", Body=b"y")
    grants = {"ada": '["list", "read", "admin"]', "ed": '["list", "read", "admin", "bypass_governance"]'}
    access = tmp_path / "access.toml"
    access.write_text(
        "".join(
            f'[tokens.{who}]\nsha256 = "{token_digest(TOKENS[who])}"\ngrants = [{{bucket = "*", actions = {acts}}}]\n'
            for who, acts in grants.items()
        )
    )
    year = datetime.now(UTC).year
    with TestClient(create_app(replace(settings, access_file=access))) as client:

        def retain(who: str, key: str, mode: str, until: str) -> httpx.Response:
            form = {"key": key, "mode": mode, "until": until}
            return client.post(f"/b/{bucket}/retention", data=form, headers={**HTMX, **bearer(who)})

        assert "Retained until" in retain("ada", "kept.txt", "COMPLIANCE", f"{year + 2}-06-30").text
        said = retain("ed", "kept.txt", "COMPLIANCE", f"{year + 1}-06-30")
        assert said.status_code == 400 and "can be neither shortened nor weakened" in said.text
        assert retain("ed", "kept.txt", "GOVERNANCE", f"{year + 3}-06-30").status_code == 400
        assert retain("ada", "kept.txt", "COMPLIANCE", f"{year + 3}-06-30").status_code == 200  # longer is fine
        kept = s3.head_object(Bucket=bucket, Key="kept.txt")  # (moto's GetObjectRetention answers 500)
        assert (kept["ObjectLockMode"], kept["ObjectLockRetainUntilDate"].year) == ("COMPLIANCE", year + 3)
        assert retain("ada", "kept.txt", "COMPLIANCE", "yesterday").status_code == 400

        assert retain("ada", "governed.txt", "GOVERNANCE", f"{year + 2}-01-31").status_code == 200
        refused = retain("ada", "governed.txt", "GOVERNANCE", f"{year + 1}-01-31")
        assert refused.status_code == 403 and "bypass_governance" in refused.text
        assert retain("ed", "governed.txt", "GOVERNANCE", f"{year + 1}-01-31").status_code == 200
        governed = s3.head_object(Bucket=bucket, Key="governed.txt")
        assert governed["ObjectLockRetainUntilDate"].year == year + 1

        on = {"key": "kept.txt", "hold": "ON"}
        hold = client.post(f"/b/{bucket}/legal-hold", data=on, headers={**HTMX, **bearer("ada")})
        assert "Legal hold on." in hold.text
        assert s3.get_object_legal_hold(Bucket=bucket, Key="kept.txt")["LegalHold"]["Status"] == "ON"
        page = soup(client.get(f"/b/{bucket}/object?key=kept.txt", headers=bearer("ada")).text)
        assert "Retained in COMPLIANCE mode until" in page.select_one(".lock-status").get_text()
        client.post(f"/b/{bucket}/legal-hold", data={"key": "kept.txt", "hold": "OFF"}, headers=bearer("ada"))
        assert s3.get_object_legal_hold(Bucket=bucket, Key="kept.txt")["LegalHold"]["Status"] == "OFF"

        empty = f"t-{uuid.uuid4().hex[:12]}"  # moto sets a default retention only on an empty bucket
        s3.create_bucket(Bucket=empty, ObjectLockEnabledForBucket=True)
        default = {"mode": "GOVERNANCE", "days": "30"}
        saved = client.post(f"/b/{empty}/settings/object-lock", data=default, headers=bearer("ada"))
        assert "New objects are retained 30 days" in saved.text
        rule = s3.get_object_lock_configuration(Bucket=empty)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
        assert (rule["Mode"], rule["Days"]) == ("GOVERNANCE", 30)


def test_an_object_changes_storage_class_keeping_its_metadata_and_an_archived_one_is_restored(
    team: TestClient[Any], versioned: str, s3: Any
) -> None:
    s3.put_object(Bucket=versioned, Key="cold.csv", Body=b"a,b", ContentType="text/csv", Metadata={"owner": "finance"})
    s3.put_object_tagging(Bucket=versioned, Key="cold.csv", Tagging={"TagSet": [{"Key": "team", "Value": "fin"}]})
    url = f"/b/{versioned}/storage-class"
    assert team.post(url, data={"key": "cold.csv", "storage_class": "GLACIER"}, headers=bearer("ed")).status_code == 403
    said = team.post(url, data={"key": "cold.csv", "storage_class": "FREEZER"}, headers=bearer("ada"))
    assert said.status_code == 400 and "STANDARD, STANDARD_IA" in said.text
    infrequent = {"key": "cold.csv", "storage_class": "STANDARD_IA"}
    assert "Moved to STANDARD_IA." in team.post(url, data=infrequent, headers={**HTMX, **bearer("ada")}).text
    head = s3.head_object(Bucket=versioned, Key="cold.csv")
    assert (head["StorageClass"], head["ContentType"], head["Metadata"]) == (
        "STANDARD_IA",
        "text/csv",
        {"owner": "finance"},
    )
    assert s3.get_object_tagging(Bucket=versioned, Key="cold.csv")["TagSet"] == [{"Key": "team", "Value": "fin"}]
    moved = team.post(url, data={"key": "cold.csv", "storage_class": "GLACIER"}, headers={**HTMX, **bearer("ada")})
    assert "Moved to GLACIER." in moved.text
    assert "archived, so it cannot be read until restored" in soup(moved.text).select_one(".class-status").get_text()
    assert s3.head_object(Bucket=versioned, Key="cold.csv")["StorageClass"] == "GLACIER"

    restore = f"/b/{versioned}/restore-archived"
    assert (
        team.post(restore, data={"key": "cold.csv", "days": "0", "tier": "Bulk"}, headers=bearer("ada")).status_code
        == 400
    )
    asked = team.post(restore, data={"key": "cold.csv", "days": "3", "tier": "Bulk"}, headers={**HTMX, **bearer("ada")})
    assert "Restore asked for (Bulk, 3 days)." in asked.text
    assert "Restore" in s3.head_object(Bucket=versioned, Key="cold.csv")  # moto restores at once
    assert "Restored:" in soup(asked.text).select_one(".class-status").get_text()


def test_public_access_blocks_are_switched_by_an_administrator(team: TestClient[Any], versioned: str, s3: Any) -> None:
    url = f"/b/{versioned}/settings/public-access"
    on = {"BlockPublicAcls": "on", "BlockPublicPolicy": "on"}
    assert team.post(url, data=on, headers=bearer("ed")).status_code == 403
    page = soup(team.post(url, data=on, headers=bearer("ada")).text)
    assert "2 of 4 public access blocks on." in page.get_text()
    assert [box["name"] for box in page.select(".public-access input[checked]")] == [
        "BlockPublicAcls",
        "BlockPublicPolicy",
    ]
    config = s3.get_public_access_block(Bucket=versioned)["PublicAccessBlockConfiguration"]
    assert config == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }

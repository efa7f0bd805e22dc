"""A bucket's settings page: versioning (an administrator's), the CORS doctor (will browser uploads from here work,
and the rule that makes them), and the incomplete multipart uploads, with the lifecycle rule that cleans them up."""

from __future__ import annotations

import asyncio
import json
from typing import Any, TypeVar

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from gateway.controllers.shared import abort_pending, unless_unsupported, valid_bucket
from gateway.errors import BadRequest, NotFound
from gateway.observability.audit import audited
from gateway.responses import page_or_partial, page_origin
from gateway.rules.buckets import ABORT_RULE_ID, abort_rule, cors_problems, with_upload_rule
from gateway.rules.keys import check_key, check_prefix
from gateway.rules.lifecycle import STORAGE_CLASSES, form_of, rule_from_form, rule_in_words
from gateway.rules.limits import whole_number
from gateway.rules.metadata import check_tags, parse_pairs
from gateway.rules.policies import (
    diff,
    policy_problems,
    pretty,
    public_grants,
    public_read,
    reformatted,
    with_statement,
)
from gateway.rules.retention import MODES
from gateway.s3 import S3Storage
from gateway.s3.buckets import PUBLIC_ACCESS_SWITCHES
from gateway.s3.objects import encryption_of
from gateway.security.auth import allow, principal_of
from gateway.types import AnyRequest

T = TypeVar("T")


async def settings_view(
    request: AnyRequest,
    storage: S3Storage,
    bucket: str,
    origin: str | None = None,
    notice: str | None = None,
    review: dict[str, Any] | None = None,
    rule_review: dict[str, str] | None = None,
    editing: str | None = None,
) -> Template:
    """`origin`: the one the CORS doctor checks (the page's own unless given); `review`: a policy change to show
    before it is saved (its text, diff and what it makes public); `rule_review`: a lifecycle rule to show so (in
    words, and as JSON); `editing`: the lifecycle rule whose fields fill the form."""
    origin = origin or page_origin(request)
    # Ten reads of the bucket's settings, asked all at once: the page waits for the slowest, not for their sum.
    # (Two groups of five: asyncio.gather keeps each result's type up to six.)
    settings_read = asyncio.gather(
        unless_unsupported(storage.cors_rules(bucket)),
        unless_unsupported(storage.pending_uploads(bucket, "")),
        unless_unsupported(storage.lifecycle_rules(bucket)),
        unless_unsupported(storage.bucket_policy(bucket)),
        unless_unsupported(storage.website(bucket)),
    )
    more_read = asyncio.gather(
        unless_unsupported(storage.default_encryption(bucket)),
        unless_unsupported(storage.object_lock(bucket)),
        unless_unsupported(storage.public_access_block(bucket)),
        unless_unsupported(storage.bucket_tags(bucket)),
        unless_unsupported(storage.versioning_setting(bucket)),
    )
    (rules, pending, lifecycle, policy, website), (encryption, lock, blocks, tags, versioning) = await asyncio.gather(
        settings_read, more_read
    )
    context = {
        "blocks": blocks,
        "switches": PUBLIC_ACCESS_SWITCHES,
        "lock": lock,
        "encryption": None if encryption is None else encryption_of(encryption),
        "kms_key": (encryption or {}).get("KMSMasterKeyID", ""),
        "tags": tags,
        "bucket": bucket,
        "versioning": versioning,
        "policy": None if policy is None else reformatted(policy),
        "public": public_grants(policy or ""),
        "review": review,
        "rule_review": rule_review,
        "rule_form": next((form_of(r) for r in lifecycle or [] if r.get("ID") == editing), None),
        "website": website,
        "website_url": website_url(storage, bucket) if website else None,
        "administers": principal_of(request).may("admin", bucket) and not request.app.state.read_only,
        "origin": origin,
        "cors": rules is not None,
        "problems": cors_problems(rules or [], origin),
        "current": json.dumps(rules, indent=2),
        "proposed": json.dumps(with_upload_rule(rules or [], origin), indent=2),
        "pending": pending,
        "lifecycle": lifecycle is not None,
        "cleans_up": any("AbortIncompleteMultipartUpload" in rule for rule in lifecycle or []),
        "rules": [(rule, rule_in_words(rule), pretty(rule)) for rule in lifecycle or []],
        "storage_classes": STORAGE_CLASSES,
        "abort_rule": json.dumps(abort_rule(), indent=2),
        "notice": notice,
    }
    return page_or_partial(request, "pages/bucket_settings.html", "partials/bucket_settings.html", context)


class BucketSettingsController(Controller):
    path = "/b/{bucket:str}/settings"
    include_in_schema = False
    guards = [valid_bucket]

    @get("/", name="bucket_settings")
    async def show(
        self,
        request: AnyRequest,
        storage: NamedDependency[S3Storage],
        bucket: FromPath[str],
        edit_rule: FromQuery[str | None] = None,
    ) -> Template:
        """The settings; `edit_rule` fills the lifecycle form with that rule, to change it."""
        allow(request, "list", bucket)
        return await settings_view(request, storage, bucket, editing=edit_rule)

    @post("/versioning", name="bucket_versioning_set", status_code=200)
    async def set_versioning(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """Turn versioning on, or suspend it: a bucket's own setting, so the `admin` action's."""
        allow(request, "admin", bucket)
        wanted = str((await request.form()).get("versioning", ""))
        if wanted not in ("Enabled", "Suspended"):
            raise BadRequest("Versioning is either Enabled or Suspended (S3 cannot turn it off once on).")
        with audited(request, "bucket.versioning", bucket=bucket, versioning=wanted):
            await storage.set_versioning(bucket, wanted == "Enabled")
        notice = "Versioning is on." if wanted == "Enabled" else "Versioning is suspended."
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/policy/review", name="bucket_policy_review", status_code=200)
    async def review_policy(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """The change a policy would make, before it is saved: refused with a sentence per problem, or shown as a
        diff with what it would make public. `public_prefix` asks for the statement that lets anyone read one."""
        allow(request, "admin", bucket)
        form = await request.form()
        current = await storage.bucket_policy(bucket)
        if "public_prefix" in form:
            prefix = check_prefix(str(form["public_prefix"]).strip())
            text = with_statement(current, public_read(bucket, prefix))
        else:
            text = str(form.get("policy", ""))
        checked_policy(text, bucket)
        review = {"policy": reformatted(text), "diff": diff(current, text), "public": public_grants(text)}
        return await settings_view(request, storage, bucket, review=review)

    @post("/policy", name="bucket_policy_set", status_code=200)
    async def set_policy(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        text = checked_policy(str((await request.form()).get("policy", "")), bucket)
        with audited(request, "bucket.policy", bucket=bucket, public=len(public_grants(text))):
            await storage.set_bucket_policy(bucket, text)
        return await settings_view(request, storage, bucket, notice="Saved the bucket policy.")

    @post("/policy/delete", name="bucket_policy_delete", status_code=200)
    async def delete_policy(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        with audited(request, "bucket.policy", bucket=bucket, removed=True):
            await storage.delete_bucket_policy(bucket)
        return await settings_view(request, storage, bucket, notice="Removed the bucket policy.")

    @post("/website", name="bucket_website_set", status_code=200)
    async def set_website(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """Serve the bucket as a static website (the export's pages, or any index documents)."""
        allow(request, "admin", bucket)
        form = await request.form()
        index, error = str(form.get("index", "")).strip(), str(form.get("error", "")).strip()
        if not index or "/" in index:
            raise BadRequest("The index document is a file name, such as index.html (no '/').")
        if error:
            check_key(error)
        with audited(request, "bucket.website", bucket=bucket, index=index, error=error):
            await storage.set_website(bucket, index, error)
        notice = f"The bucket is a website: each folder is answered by its {index}."
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/website/delete", name="bucket_website_delete", status_code=200)
    async def delete_website(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        with audited(request, "bucket.website", bucket=bucket, removed=True):
            await storage.delete_website(bucket)
        return await settings_view(request, storage, bucket, notice="The bucket is no website now.")

    @post("/public-access", name="bucket_public_access_set", status_code=200)
    async def set_public_access(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """The store's own guard against making anything public, whatever a policy or ACL says."""
        allow(request, "admin", bucket)
        form = await request.form()
        switches = {name: form.get(name) == "on" for name in PUBLIC_ACCESS_SWITCHES}
        with audited(request, "bucket.public_access", bucket=bucket, **switches):
            await storage.set_public_access_block(bucket, switches)
        on = sum(switches.values())
        return await settings_view(request, storage, bucket, notice=f"{on} of 4 public access blocks on.")

    @post("/object-lock", name="bucket_object_lock_set", status_code=200)
    async def set_object_lock(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """The retention new objects get by default (a bucket made with object lock only)."""
        allow(request, "admin", bucket)
        form = await request.form()
        mode, days = str(form.get("mode", "")), str(form.get("days", "")).strip()
        retain_days = whole_number(days, 1, 36500)
        if mode and mode not in MODES:
            raise BadRequest("The retention mode is GOVERNANCE or COMPLIANCE (or none).")
        if mode and retain_days is None:
            raise BadRequest(f"Retain new objects for 1 to 36500 days, not {days!r}.")
        with audited(request, "bucket.object_lock", bucket=bucket, mode=mode, days=days):
            await storage.set_default_retention(bucket, mode, retain_days or 0)
        notice = f"New objects are retained {days} days ({mode})." if mode else "New objects get no retention."
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/encryption", name="bucket_encryption_set", status_code=200)
    async def set_encryption(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """How new objects are encrypted at rest when their upload asks for nothing."""
        allow(request, "admin", bucket)
        form = await request.form()
        algorithm, kms_key = str(form.get("algorithm", "")), str(form.get("kms_key", "")).strip()
        if algorithm not in ("AES256", "aws:kms"):
            raise BadRequest("Choose SSE-S3 (AES256) or SSE-KMS (aws:kms).")
        with audited(request, "bucket.encryption", bucket=bucket, algorithm=algorithm, kms_key=kms_key):
            await storage.set_default_encryption(bucket, algorithm, kms_key)
        notice = (
            f"New objects are encrypted with {encryption_of({'SSEAlgorithm': algorithm, 'KMSMasterKeyID': kms_key})}."
        )
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/tags", name="bucket_tags_set", status_code=200)
    async def set_tags(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        tags = check_tags(parse_pairs(str((await request.form()).get("tags", "")), "=", "Tags"))
        with audited(request, "bucket.tags", bucket=bucket, tags=sorted(tags)):
            await storage.set_bucket_tags(bucket, tags)
        notice = f"The bucket has {len(tags)} tag{'s' if len(tags) != 1 else ''}."
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/lifecycle/review", name="bucket_lifecycle_review", status_code=200)
    async def review_rule(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """A lifecycle rule from the form: refused with a sentence per problem, or shown in words and as the JSON
        the store will get, to be saved from there."""
        allow(request, "admin", bucket)
        rule, problems = rule_from_form(await request.form())
        if problems:
            raise BadRequest("The rule was not saved: " + " ".join(problems))
        review = {"rule": pretty(rule), "words": rule_in_words(rule)}
        return await settings_view(request, storage, bucket, rule_review=review)

    @post("/lifecycle/rule", name="bucket_lifecycle_rule_set", status_code=200)
    async def set_rule(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """Save a reviewed rule, replacing the bucket's rule of the same name; the others are kept."""
        allow(request, "admin", bucket)
        try:
            rule = json.loads(str((await request.form()).get("rule", "")))
        except ValueError:
            rule = None
        if not isinstance(rule, dict) or not isinstance(rule.get("ID"), str):
            raise BadRequest("Send the rule as the review showed it.")
        kept = [r for r in await storage.lifecycle_rules(bucket) if r.get("ID") != rule["ID"]]
        with audited(request, "bucket.lifecycle", bucket=bucket, rule=rule["ID"]):
            await storage.set_lifecycle_rules(bucket, [*kept, rule])
        return await settings_view(request, storage, bucket, notice=f"Saved the rule {rule['ID']}.")

    @post("/lifecycle/remove", name="bucket_lifecycle_rule_remove", status_code=200)
    async def remove_rule(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        rule_id = str((await request.form()).get("id", ""))
        rules = await storage.lifecycle_rules(bucket)
        kept = [r for r in rules if r.get("ID") != rule_id]
        if len(kept) == len(rules):
            raise NotFound(f"There is no rule named {rule_id!r} in {bucket}.")
        with audited(request, "bucket.lifecycle", bucket=bucket, rule=rule_id, removed=True):
            await storage.set_lifecycle_rules(bucket, kept)
        return await settings_view(request, storage, bucket, notice=f"Removed the rule {rule_id}.")

    @post("/cors", name="bucket_cors_apply", status_code=200)
    async def apply_cors(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        """Put the explorer's rule first, keeping the bucket's other rules."""
        allow(request, "admin", bucket)
        origin = str((await request.form()).get("origin", "")).strip().rstrip("/")
        if not origin.startswith(("http://", "https://")):
            raise BadRequest("The origin looks like https://explorer.example.com.")
        with audited(request, "cors.set", bucket=bucket, origin=origin):
            await storage.set_cors_rules(bucket, with_upload_rule(await storage.cors_rules(bucket), origin))
        return await settings_view(request, storage, bucket, origin, f"Applied: browsers at {origin} may upload.")

    @post("/lifecycle", name="bucket_lifecycle_apply", status_code=200)
    async def apply_lifecycle(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Template:
        allow(request, "admin", bucket)
        rules = [r for r in await storage.lifecycle_rules(bucket) if r.get("ID") != ABORT_RULE_ID]
        with audited(request, "lifecycle.set", bucket=bucket, rule=ABORT_RULE_ID):
            await storage.set_lifecycle_rules(bucket, [*rules, abort_rule()])
        notice = "Added: incomplete uploads are aborted after 7 days."
        return await settings_view(request, storage, bucket, notice=notice)

    @post("/abort-uploads", name="bucket_abort_uploads", status_code=200)
    async def abort_uploads(
        self, request: AnyRequest, storage: NamedDependency[S3Storage], bucket: FromPath[str]
    ) -> Response[Any]:
        aborted, failed = await abort_pending(request, storage, bucket, "")
        notice = f"Aborted {aborted} incomplete upload{'s' if aborted != 1 else ''}."
        if failed:
            kept = "; ".join(f"{upload.key} ({why})" for upload, why in failed[:20])
            notice += f" {len(failed)} could not be aborted: {kept}."
        return await settings_view(request, storage, bucket, notice=notice)


def website_url(storage: S3Storage, bucket: str) -> str | None:
    """Where AWS serves a bucket's website; other stores have their own website endpoints (or none) to configure."""
    if storage.settings.endpoint_url is not None:
        return None
    return f"http://{bucket}.s3-website-{storage.settings.region or 'us-east-1'}.amazonaws.com/"


def checked_policy(text: str, bucket: str) -> str:
    """`text` when it is a policy worth sending to the store; BadRequest naming each problem otherwise."""
    if problems := policy_problems(text, bucket):
        raise BadRequest("The policy was not saved: " + " ".join(problems))
    return text

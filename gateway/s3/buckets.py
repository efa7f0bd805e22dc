"""Buckets and their configuration: list, create, delete (only when empty), CORS and lifecycle rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from gateway.errors import Conflict, NotFound, Unsupported
from gateway.models import Bucket
from gateway.rules.buckets import cors_rule
from gateway.s3.client import Store
from gateway.s3.errors import error_code, from_client_error, translated

PUBLIC_ACCESS_SWITCHES = {
    "BlockPublicAcls": "Refuse new public ACLs",
    "IgnorePublicAcls": "Ignore the public ACLs there are",
    "BlockPublicPolicy": "Refuse a bucket policy that makes anything public",
    "RestrictPublicBuckets": "Serve a public policy's objects to no one outside the account",
}


class Buckets(Store):
    def ensure_bucket(self, bucket: str, origins: list[str]) -> bool:
        """Create `bucket` unless it exists, then give it the CORS rule browser uploads from `origins` need; True
        when the bucket was created. Blocking: for the command line and the demo, before any event loop."""
        with translated(bucket, "", self.where):
            try:
                self.api.head_bucket(Bucket=bucket)
                created = False
            except ClientError:
                self.api.create_bucket(Bucket=bucket)
                created = True
            if origins:
                self.api.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [cors_rule(origins)]})
        return created

    async def list_buckets(self) -> list[Bucket]:
        answer = await self._run(self.api.list_buckets)
        return [Bucket(name=b["Name"], created=b.get("CreationDate")) for b in answer.get("Buckets", [])]

    async def create_bucket(
        self, bucket: str, *, versioning: bool = False, object_lock: bool = False, region: str = ""
    ) -> None:
        """Create `bucket`; refuse one that exists (us-east-1 answers 200 to re-creating your own bucket). Object
        lock can only be chosen now, and brings versioning with it; versioning alone is turned on after."""
        try:
            await self._run(partial(self.api.head_bucket, Bucket=bucket), bucket)
        except NotFound:
            pass
        else:
            raise Conflict(f"Bucket {bucket!r} already exists.")
        params: dict[str, Any] = {"Bucket": bucket}
        where = region or self.settings.region
        if where and where != "us-east-1":  # us-east-1 is where a bucket goes without a constraint
            params["CreateBucketConfiguration"] = {"LocationConstraint": where}
        if object_lock:
            params["ObjectLockEnabledForBucket"] = True
        await self._run(partial(self.api.create_bucket, **params), bucket)
        if versioning and not object_lock:
            await self.set_versioning(bucket, True)

    async def delete_bucket(self, bucket: str) -> None:
        """Delete an empty bucket. Emptiness is checked here, objects and versions alike, not left to the store:
        SeaweedFS deletes a bucket with everything in it unless told otherwise (-s3.allowDeleteBucketNotEmpty)."""

        def work() -> None:
            if self.api.list_objects_v2(Bucket=bucket, MaxKeys=1).get("Contents"):
                raise Conflict(f"Bucket {bucket!r} is not empty: delete its objects first.")
            try:
                versions = self.api.list_object_versions(Bucket=bucket, MaxKeys=1)
            except ClientError as exc:  # a store without versioning has no versions to keep
                if from_client_error(exc, bucket, "").status_code == 404:
                    raise
            else:
                if versions.get("Versions") or versions.get("DeleteMarkers"):
                    raise Conflict(f"Bucket {bucket!r} still holds old versions or delete markers: delete them first.")
            self.api.delete_bucket(Bucket=bucket)

        await self._run(work, bucket)

    async def versioning_setting(self, bucket: str) -> str:
        """ "Enabled", "Suspended" or "Off" (never turned on); Unsupported when the store has no versioning."""
        answer = await self._run(partial(self.api.get_bucket_versioning, Bucket=bucket), bucket)
        return str(answer.get("Status") or "Off")

    async def set_versioning(self, bucket: str, enabled: bool) -> None:
        """Turn versioning on, or suspend it (S3 cannot turn it off: the versions kept so far stay)."""
        config = {"Status": "Enabled" if enabled else "Suspended"}
        await self._run(partial(self.api.put_bucket_versioning, Bucket=bucket, VersioningConfiguration=config), bucket)

    async def bucket_policy(self, bucket: str) -> str:
        """The bucket's policy as the store keeps it (JSON text), or "" without one."""

        def work() -> str:
            try:
                return str(self.api.get_bucket_policy(Bucket=bucket)["Policy"])
            except ClientError as exc:
                if error_code(exc) == "NoSuchBucketPolicy":
                    return ""
                raise

        return await self._run(work, bucket)

    async def set_bucket_policy(self, bucket: str, policy: str) -> None:
        await self._run(partial(self.api.put_bucket_policy, Bucket=bucket, Policy=policy), bucket)

    async def delete_bucket_policy(self, bucket: str) -> None:
        await self._run(partial(self.api.delete_bucket_policy, Bucket=bucket), bucket)

    async def website(self, bucket: str) -> dict[str, str]:
        """The bucket's website documents ({"index": ..., "error": ...}), empty when it serves no website."""

        def work() -> dict[str, str]:
            try:
                answer = self.api.get_bucket_website(Bucket=bucket)
            except ClientError as exc:
                if error_code(exc) == "NoSuchWebsiteConfiguration":
                    return {}
                raise
            return {
                "index": answer.get("IndexDocument", {}).get("Suffix", ""),
                "error": answer.get("ErrorDocument", {}).get("Key", ""),
            }

        return await self._run(work, bucket)

    def serve_website(self, bucket: str, index: str = "index.html", error: str = "") -> None:
        """Make `bucket` a static website: each folder's `index` document answers for it (the export writes
        index.html), and `error`, when given, answers for what is missing."""
        config: dict[str, Any] = {"IndexDocument": {"Suffix": index}}
        if error:
            config["ErrorDocument"] = {"Key": error}
        with translated(bucket, "", self.where):
            self.api.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)

    async def set_website(self, bucket: str, index: str, error: str) -> None:
        try:
            await self._run(partial(self.serve_website, bucket, index, error), bucket)
        except Conflict:  # Ceph RGW without rgw_enable_static_website takes PUT ?website for a new bucket
            raise Unsupported(
                "This store does not support website hosting (it took the request for a new bucket)."
            ) from None

    async def delete_website(self, bucket: str) -> None:
        await self._run(partial(self.api.delete_bucket_website, Bucket=bucket), bucket)

    async def bucket_tags(self, bucket: str) -> dict[str, str]:
        def work() -> dict[str, str]:
            try:
                return {t["Key"]: t["Value"] for t in self.api.get_bucket_tagging(Bucket=bucket)["TagSet"]}
            except ClientError as exc:
                if error_code(exc) in ("NoSuchTagSet", "NoSuchTagSetError"):
                    return {}
                raise

        return await self._run(work, bucket)

    async def set_bucket_tags(self, bucket: str, tags: dict[str, str]) -> None:
        """Replace the bucket's tags; none removes the tag set (S3 refuses an empty one)."""
        if not tags:
            await self._run(partial(self.api.delete_bucket_tagging, Bucket=bucket), bucket)
            return
        tag_set = {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}
        await self._run(partial(self.api.put_bucket_tagging, Bucket=bucket, Tagging=tag_set), bucket)

    async def default_encryption(self, bucket: str) -> dict[str, str]:
        """The bucket's default encryption rule ({"SSEAlgorithm": ..., "KMSMasterKeyID": ...}), empty without one."""

        def work() -> dict[str, str]:
            try:
                config = self.api.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
            except ClientError as exc:
                if error_code(exc) == "ServerSideEncryptionConfigurationNotFoundError":
                    return {}
                raise
            rules = config.get("Rules", [])
            return dict(rules[0].get("ApplyServerSideEncryptionByDefault", {})) if rules else {}

        return await self._run(work, bucket)

    async def set_default_encryption(self, bucket: str, algorithm: str, kms_key: str) -> None:
        """Encrypt new objects by default: SSE-S3 ("AES256") or KMS ("aws:kms", with a key id or the store's)."""
        rule: dict[str, Any] = {"SSEAlgorithm": algorithm}
        if algorithm == "aws:kms" and kms_key:
            rule["KMSMasterKeyID"] = kms_key
        config = {"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]}
        call = partial(self.api.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration=config)
        await self._run(call, bucket)

    async def public_access_block(self, bucket: str) -> dict[str, bool]:
        """The bucket's four public access switches (BlockPublicAcls, ...); all off without a configuration."""

        def work() -> dict[str, bool]:
            try:
                config = self.api.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
            except ClientError as exc:
                if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
                    return dict.fromkeys(PUBLIC_ACCESS_SWITCHES, False)
                raise
            return {name: bool(config.get(name)) for name in PUBLIC_ACCESS_SWITCHES}

        return await self._run(work, bucket)

    async def set_public_access_block(self, bucket: str, switches: dict[str, bool]) -> None:
        config = {name: switches.get(name, False) for name in PUBLIC_ACCESS_SWITCHES}
        call = partial(self.api.put_public_access_block, Bucket=bucket, PublicAccessBlockConfiguration=config)
        await self._run(call, bucket)

    async def object_lock(self, bucket: str) -> dict[str, Any]:
        """The bucket's object lock: {} when it has none, else {"mode": ..., "days": ...} of its default retention
        (empty strings and None without one)."""

        def work() -> dict[str, Any]:
            try:
                config = self.api.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
            except ClientError as exc:
                if error_code(exc) == "ObjectLockConfigurationNotFoundError":
                    return {}
                raise
            if config.get("ObjectLockEnabled") != "Enabled":
                return {}
            default = config.get("Rule", {}).get("DefaultRetention", {})
            return {"mode": default.get("Mode", ""), "days": default.get("Days")}

        return await self._run(work, bucket)

    async def set_default_retention(self, bucket: str, mode: str, days: int) -> None:
        """New objects are retained `days` in `mode`; no mode removes the default."""
        config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
        if mode:
            config["Rule"] = {"DefaultRetention": {"Mode": mode, "Days": days}}
        call = partial(self.api.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=config)
        await self._run(call, bucket)

    async def _rules(self, bucket: str, fetch: Callable[..., Any], field: str, missing: str) -> list[dict[str, Any]]:
        """A bucket configuration's list of rules; none when the bucket has no such configuration (error `missing`)."""

        def work() -> list[dict[str, Any]]:
            try:
                return list(fetch(Bucket=bucket)[field])
            except ClientError as exc:
                if error_code(exc) == missing:
                    return []
                raise

        return await self._run(work, bucket)

    async def cors_rules(self, bucket: str) -> list[dict[str, Any]]:
        return await self._rules(bucket, self.api.get_bucket_cors, "CORSRules", "NoSuchCORSConfiguration")

    async def set_cors_rules(self, bucket: str, rules: list[dict[str, Any]]) -> None:
        config = {"CORSRules": rules}
        await self._run(partial(self.api.put_bucket_cors, Bucket=bucket, CORSConfiguration=config), bucket)

    async def lifecycle_rules(self, bucket: str) -> list[dict[str, Any]]:
        fetch = self.api.get_bucket_lifecycle_configuration
        return await self._rules(bucket, fetch, "Rules", "NoSuchLifecycleConfiguration")

    async def set_lifecycle_rules(self, bucket: str, rules: list[dict[str, Any]]) -> None:
        config = {"Rules": rules}
        await self._run(
            partial(self.api.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration=config), bucket
        )

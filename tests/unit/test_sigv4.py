"""The fast presigner must produce botocore's URLs byte for byte: a property test over random inputs."""

from __future__ import annotations

import hmac
from datetime import datetime
from functools import cache
from typing import Any
from unittest import mock

import boto3
from botocore.config import Config
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.s3.sigv4 import FastPresigner
from tests.conftest import examples

CONFIGS = [
    ("http://127.0.0.1:9000", "path", "us-east-1"),
    ("http://127.0.0.1:9000", "virtual", "eu-central-1"),
    ("https://s3.example.com", "virtual", "auto"),
    ("https://minio.internal:9443", "path", "us-east-1"),
    (None, "auto", "us-east-1"),
    (None, "virtual", "eu-west-1"),
    (None, "path", "ap-southeast-2"),
]


SESSION = boto3.session.Session()  # loads botocore's S3 model once (0.25 s a session), not once per presigner


@cache
def presigners(config: int, token: str | None) -> tuple[Any, FastPresigner]:
    endpoint, style, region = CONFIGS[config]
    keys = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    client = SESSION.client(
        "s3", endpoint_url=endpoint, region_name=region,
        aws_access_key_id=keys.access_key, aws_secret_access_key=keys.secret_key, aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
    )  # fmt: skip
    return client, FastPresigner(client, keys.get_frozen_credentials)


text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)
sizes = st.one_of(st.none(), st.integers(0, 5 * 1024**3))
buckets = st.from_regex(r"\A[a-z0-9][a-z0-9-]{1,20}[a-z0-9]\Z")
operations = st.one_of(
    st.tuples(st.just("get_object"), st.one_of(st.none(), text)),
    st.tuples(
        st.just("put_object"),
        st.tuples(st.one_of(st.none(), st.sampled_from(["text/plain", "image/png", "a/b; c=d"])), sizes),
    ),
    st.tuples(st.just("upload_part"), st.tuples(text, st.integers(1, 10000), sizes)),
)


@settings(max_examples=examples(250), deadline=None)
@given(
    config=st.integers(0, len(CONFIGS) - 1),
    token=st.one_of(st.none(), st.sampled_from(["FwoGZXIvYXdzEJr//////////wEaDAbc+/=", "plain-token"])),
    bucket=buckets,
    key=text,
    operation=operations,
    expires=st.integers(1, 604800),
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_fast_urls_equal_botocores(
    config: int, token: str | None, bucket: str, key: str, operation: Any, expires: int, now: datetime
) -> None:
    client, fast = presigners(config, token)
    name, extra = operation
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if name == "get_object":
        query = [("response-content-disposition", extra)] if extra else []
        if extra:
            params["ResponseContentDisposition"] = extra
        ours = fast.url("GET", bucket, key, expires, query, now=now)
    elif name == "put_object":
        content_type, size = extra
        if content_type:
            params["ContentType"] = content_type
        if size is not None:
            params["ContentLength"] = size
        ours = fast.url("PUT", bucket, key, expires, content_type=content_type, content_length=size, now=now)
    else:
        upload_id, part, size = extra
        params["UploadId"], params["PartNumber"] = upload_id, part
        if size is not None:
            params["ContentLength"] = size
        query = [("uploadId", upload_id), ("partNumber", str(part))]
        ours = fast.url("PUT", bucket, key, expires, query, content_length=size, now=now)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        theirs = client.generate_presigned_url(name, Params=params, ExpiresIn=expires)
    assert ours == theirs


def test_the_signing_key_is_derived_once_a_day() -> None:
    """Four HMACs make the day's key and one signs a URL: a second URL the same day costs one HMAC, the next day's
    five again. Counted through hmac.new, which the signer calls, not by reading its cache."""
    _, fast = presigners(0, None)
    fast.bucket_prefix("bkt")  # where botocore puts the bucket: asked once, with HMACs of botocore's own
    with mock.patch("gateway.s3.sigv4.hmac.new", wraps=hmac.new) as hmacs:
        fast.url("GET", "bkt", "k", 60, now=datetime(2031, 1, 1, 0, 0, 1))
        first = hmacs.call_count
        fast.url("GET", "bkt", "other", 60, now=datetime(2031, 1, 1, 23, 59, 59))
        same_day = hmacs.call_count - first
        fast.url("GET", "bkt", "k", 60, now=datetime(2031, 1, 2))
        next_day = hmacs.call_count - first - same_day
    assert (first, same_day, next_day) == (5, 1, 5)

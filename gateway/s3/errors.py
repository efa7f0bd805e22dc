"""boto3's exceptions as gateway errors: a truthful status and a sentence a user can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from gateway.errors import (
    AccessDenied,
    BadRequest,
    Conflict,
    GatewayError,
    NotFound,
    StoreError,
    StoreUnavailable,
    Unsupported,
)

UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)


@contextmanager
def translated(bucket: str, key: str, where: str) -> Iterator[None]:
    """Turn boto3's exceptions into gateway errors with a sentence a user can act on; `where` names the store."""
    try:
        yield
    except GatewayError:
        raise
    except ClientError as exc:
        raise from_client_error(exc, bucket, key) from exc
    except UNREACHABLE as exc:
        raise StoreUnavailable(f"The store {where} did not answer: {exc}") from exc
    except NoCredentialsError as exc:
        raise StoreUnavailable(
            f"No credentials for the store {where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the "
            "store its own in the access file."
        ) from exc
    except BotoCoreError as exc:
        raise StoreError(f"The request to the store failed: {exc}") from exc


def error_code(exc: ClientError) -> str:
    """The store's error code (NoSuchKey, InvalidRequest, ...); empty when it sent none."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def from_client_error(exc: ClientError, bucket: str, key: str) -> GatewayError:
    """Map the store's error code to the status that tells the truth."""
    code = error_code(exc)
    detail = exc.response.get("Error", {}).get("Message") or code
    if code == "NoSuchBucket":
        return NotFound(f"Bucket {bucket!r} does not exist.")
    if code in {"NoSuchKey", "404", "NotFound"}:
        return NotFound(f"There is no object {key!r} in bucket {bucket!r}." if key else f"Not found in {bucket!r}.")
    if code in {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}:
        return AccessDenied(f"The store refused access to {bucket or 'the buckets'}: {detail}")
    if code == "NoSuchUpload":
        return NotFound(f"There is no multipart upload in progress for {key!r} with that upload id.")
    if code in {"InvalidPart", "InvalidPartOrder", "EntityTooSmall", "EntityTooLarge", "MalformedXML"}:
        return BadRequest(f"The store refused to assemble the upload ({code}): {detail}")
    if code == "BucketNotEmpty":
        return Conflict(f"Bucket {bucket!r} is not empty: delete its objects first.")
    if code in {"BucketAlreadyExists", "BucketAlreadyOwnedByYou"}:
        return Conflict(f"Bucket {bucket!r} already exists.")
    if code in {"InvalidBucketName", "KeyTooLongError", "InvalidArgument"}:
        return BadRequest(f"The store rejected the request: {detail}")
    if code in {"NotImplemented", "501", "MethodNotAllowed", "405"}:
        return Unsupported(f"This store does not support {exc.operation_name or 'that'} (it answered {code}).")
    if code in {"SlowDown", "ServiceUnavailable", "503", "InternalError", "500"}:
        return StoreUnavailable(f"The store is unavailable right now ({code}): {detail}")
    return StoreError(f"The store answered {code}: {detail}")

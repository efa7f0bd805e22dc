"""How store errors and partial failures read to the user."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from gateway.controllers.objects import describe
from gateway.errors import AccessDenied, BadRequest, Conflict, NotFound, StoreError, StoreUnavailable
from gateway.models import DeleteReport
from gateway.s3 import from_client_error


@pytest.mark.parametrize(
    ("code", "kind", "status"),
    [
        ("NoSuchBucket", NotFound, 404),
        ("NoSuchKey", NotFound, 404),
        ("404", NotFound, 404),
        ("NoSuchUpload", NotFound, 404),
        ("AccessDenied", AccessDenied, 403),
        ("SignatureDoesNotMatch", AccessDenied, 403),
        ("BucketNotEmpty", Conflict, 409),
        ("BucketAlreadyOwnedByYou", Conflict, 409),
        ("EntityTooSmall", BadRequest, 400),
        ("InvalidBucketName", BadRequest, 400),
        ("SlowDown", StoreUnavailable, 503),
        ("InternalError", StoreUnavailable, 503),
        ("SomethingNew", StoreError, 502),
    ],
)
def test_store_error_codes_map_to_truthful_statuses(code: str, kind: type, status: int) -> None:
    error = ClientError({"Error": {"Code": code, "Message": "the store's words"}}, "AnyOperation")
    mapped = from_client_error(error, "bkt", "k")
    assert isinstance(mapped, kind) and mapped.status_code == status
    assert mapped.message


def test_a_partial_delete_names_what_remains() -> None:
    assert describe(DeleteReport(deleted=1, failed=[])) == "Deleted 1 object."
    text = describe(DeleteReport(deleted=3, failed=[("a/x", "AccessDenied"), ("a/y", "InternalError")]))
    assert text == "Deleted 3 objects. 2 could not be deleted and remain: a/x (AccessDenied); a/y (InternalError)."
    many = describe(DeleteReport(deleted=0, failed=[(f"k{n}", "AccessDenied") for n in range(25)]))
    assert many.startswith("Deleted 0 objects. 25 could not be deleted and remain: k0 (AccessDenied);")
    assert many.endswith("k19 (AccessDenied) and 5 more.")

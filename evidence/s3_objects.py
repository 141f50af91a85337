"""The few S3 calls evidence publication and the remote verdict make, with one-line errors.

Every failure names the method, the AWS error code and the object. Exit codes:
unreachable, no credentials and refused calls (AccessDenied, ...) are environment
failures (3); a bucket that does not exist is configuration (2).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from foundation.aws import FailedCall, error_code, pages
from foundation.errors import ExitCode, StackguardError

#: What S3 answers a conditional write (`If-None-Match: *`) when the key exists: 412, or
#: 409 when a concurrent write to the same key is still in flight.
ALREADY_EXISTS = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "412", "409"})
NOT_FOUND = frozenset({"NoSuchKey", "404", "NotFound"})
CONFIGURATION = frozenset({"NoSuchBucket", "InvalidBucketName"})


class ObjectExists(Exception):
    """A conditional write was refused: the key already holds an object."""


def url(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def failed_call(method: str, bucket: str, key: str | None, exc: Exception) -> StackguardError:
    """One line naming method, error code and object, with the exit code its cause deserves."""
    code = error_code(exc)
    where = url(bucket, key or "")
    if isinstance(exc, ParamValidationError):  # refused before sending, e.g. a malformed bucket name
        reason = str(exc).strip().splitlines()[-1].split(": ", 1)[0]
        return StackguardError(f"{method} refused the request: {reason} ({where})", ExitCode.BAD_INPUT)
    if isinstance(exc, BotoCoreError):
        message = f"AWS unreachable or no credentials: {method} failed with {code} ({where})"
        return StackguardError(message, ExitCode.ENVIRONMENT)
    if code in CONFIGURATION:
        message = f"{method} failed with {code}: bucket {bucket!r} does not exist ({where})"
        return StackguardError(message, ExitCode.BAD_INPUT)
    return StackguardError(f"{method} failed with {code} ({where})", ExitCode.ENVIRONMENT)


def exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return False
        raise failed_call("s3:HeadObject", bucket, key, exc) from None
    except BotoCoreError as exc:
        raise failed_call("s3:HeadObject", bucket, key, exc) from None
    return True


def put_new(s3: Any, bucket: str, key: str, body: bytes) -> None:
    """Create the object only if the key is free (`If-None-Match: *`): S3 itself refuses an
    overwrite, so two publishers racing on one lane's run cannot both win. S3 also checks
    the body against the sha256 sent with it."""
    try:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            IfNoneMatch="*",
            ContentType="application/json",
            # Named as well as given: S3 refuses a write into an Object Lock bucket that
            # carries neither Content-MD5 nor x-amz-sdk-checksum-algorithm.
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(hashlib.sha256(body).digest()).decode("ascii"),
        )
    except ClientError as exc:
        if error_code(exc) in ALREADY_EXISTS:
            raise ObjectExists(url(bucket, key)) from None
        raise failed_call("s3:PutObject", bucket, key, exc) from None
    except BotoCoreError as exc:
        raise failed_call("s3:PutObject", bucket, key, exc) from None


def get(s3: Any, bucket: str, key: str) -> bytes | None:
    """The object's bytes, or None when the key holds nothing."""
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if error_code(exc) in NOT_FOUND:
            return None
        raise failed_call("s3:GetObject", bucket, key, exc) from None
    except BotoCoreError as exc:
        raise failed_call("s3:GetObject", bucket, key, exc) from None


def list_keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    try:
        items = pages(s3, "list_objects_v2", "Contents", method="s3:ListObjectsV2", Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in items)
    except FailedCall as exc:
        raise failed_call(exc.method, bucket, prefix, exc.cause) from None

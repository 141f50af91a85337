"""Terraform state as the S3 backend holds it, with the digest Terraform keeps beside it.

Each stack's state object (raw state, version 4) is read and parsed into inventory, so
the rules judge what Terraform believes it manages. Terraform's S3 backend with DynamoDB
locking also writes the object's MD5 to the lock table under `<bucket>/<key>-md5`; a
digest that differs from the object means a write was lost or the object was replaced
behind Terraform's back (Terraform itself then refuses to read it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from foundation.aws import ClientFactory, FailedCall, call, calling, error_code
from guards import catalog
from guards.documents import InputError, parse_document_bytes
from guards.findings import Finding, error
from guards.inventory import Resource
from guards.live.errors import api_error
from guards.live_facts import StateDigest

UNREADABLE = catalog.BACKEND_STATE_UNREADABLE  # the name stackguard.lanes imports


def digest_lock_id(bucket: str, key: str) -> str:
    """The LockID of the item where Terraform records the state object's MD5."""
    return f"{bucket}/{key}-md5"


def _read_object(clients: ClientFactory, region: str, bucket: str, key: str) -> bytes | None:
    """The object's bytes, or None when there is no such key (a stack never applied)."""
    try:
        with calling("s3:GetObject"):
            response = clients("s3", region).get_object(Bucket=bucket, Key=key)
            return response["Body"].read()
    except FailedCall as failed:
        code = error_code(failed)
        if code in ("NoSuchKey", "404"):
            return None
        raise


def _recorded_digest(clients: ClientFactory, region: str, table: str, lock_id: str) -> str | None:
    """Terraform's recorded MD5; None when no item (or an empty one: Terraform skips those)."""
    with calling("dynamodb:GetItem"):
        dynamodb = clients("dynamodb", region)
    item = call(
        dynamodb, "get_item", method="dynamodb:GetItem",
        TableName=table, Key={"LockID": {"S": lock_id}}, ConsistentRead=True,
    ).get("Item")
    digest = (item or {}).get("Digest")
    if not digest:
        return None
    text = digest.get("S", str(digest))  # a non-string attribute is not an MD5: it mismatches
    return text.lower() or None


def _parse(body: bytes, bucket: str, key: str, stack: str) -> tuple[list[Resource], list[Finding]]:
    where = f"s3://{bucket}/{key}"
    try:
        return parse_document_bytes(body, where, stack=stack, expect="state").resources, []
    except InputError as exc:
        return [], [error(catalog.BACKEND_STATE_UNREADABLE, where, stack, f"{where} cannot be read as state: {exc.problem}")]


def collect_state(
    clients: ClientFactory,
    *,
    region: str,
    bucket: str,
    lock_table: str,
    state_keys: Mapping[str, str],
) -> tuple[list[Resource], list[StateDigest], list[Finding]]:
    """Each stack's state resources, its digest pair, and ERRORs for what could not be read.

    A missing object is not an error by itself (the stack was never applied, or was
    destroyed); the digest rule still compares it with any digest Terraform left behind.
    A digest is returned only when both sides were read, so nothing unread can pass.
    """
    resources: list[Resource] = []
    digests: list[StateDigest] = []
    findings: list[Finding] = []
    for stack, key in state_keys.items():
        try:
            body = _read_object(clients, region, bucket, key)
        except FailedCall as failed:
            findings.append(api_error(catalog.BACKEND_STATE_UNREADABLE, failed.method, region, failed.cause, stack))
            continue
        object_md5 = object_sha256 = None
        if body is not None:
            object_md5 = hashlib.md5(body, usedforsecurity=False).hexdigest()
            object_sha256 = hashlib.sha256(body).hexdigest()
            parsed, unreadable = _parse(body, bucket, key, stack)
            resources.extend(parsed)
            findings.extend(unreadable)
        try:
            recorded = _recorded_digest(clients, region, lock_table, digest_lock_id(bucket, key))
        except FailedCall as failed:
            findings.append(api_error(catalog.BACKEND_STATE_DIGEST_MISMATCH, failed.method, region, failed.cause, stack))
            continue
        digests.append(
            StateDigest(
                stack=stack, key=key, object_md5=object_md5, recorded_md5=recorded, object_sha256=object_sha256
            )
        )
    return resources, digests, findings

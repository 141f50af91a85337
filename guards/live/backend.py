"""Backend readiness as facts: the state bucket, the lock table, a lock probe, held locks.

The probe proves mutual exclusion with a lock item of our own under a unique LockID: a
conditional write takes it, a second conditional write must be refused, and it is
removed again. Terraform's own items (`<bucket>/<key>` and `<bucket>/<key>-md5`) are only
ever read, never written.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from foundation.aws import ClientFactory, error_code
from guards import catalog
from guards.findings import Finding
from guards.live.errors import API_FAILURES, api_error
from guards.live_facts import BucketFacts, HeldLock, LockProbe, TableFacts

PROBE_PREFIX = "stackguard-lock-probe/"
_MISSING_BUCKET = {"404", "NoSuchBucket", "NotFound"}


def bucket_facts(clients: ClientFactory, region: str, bucket: str) -> tuple[BucketFacts, list[Finding]]:
    s3 = clients("s3", region)
    try:
        s3.head_bucket(Bucket=bucket)
    except API_FAILURES as exc:
        if error_code(exc) in _MISSING_BUCKET:
            return BucketFacts(bucket, exists=False), []
        return BucketFacts(bucket, exists=False), [api_error(catalog.BACKEND_BUCKET_NOT_FOUND, "s3:HeadBucket", region, exc)]
    findings: list[Finding] = []
    versioning = encryption = None
    public_access: dict[str, bool] = {}
    try:
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    except API_FAILURES as exc:
        findings.append(api_error(catalog.BACKEND_VERSIONING_DISABLED, "s3:GetBucketVersioning", region, exc))
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        encryption = rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] if rules else None
    except API_FAILURES as exc:
        if error_code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            findings.append(api_error(catalog.BACKEND_UNENCRYPTED, "s3:GetBucketEncryption", region, exc))
    try:
        public_access = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    except API_FAILURES as exc:
        if error_code(exc) != "NoSuchPublicAccessBlockConfiguration":
            findings.append(api_error(catalog.BACKEND_PUBLIC_ACCESS_OPEN, "s3:GetPublicAccessBlock", region, exc))
    return BucketFacts(bucket, True, versioning, encryption, dict(public_access)), findings


def table_facts(clients: ClientFactory, region: str, table: str) -> tuple[TableFacts, list[Finding]]:
    try:
        description = clients("dynamodb", region).describe_table(TableName=table)["Table"]
    except API_FAILURES as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return TableFacts(table, exists=False), []
        return TableFacts(table, exists=False), [api_error(catalog.BACKEND_LOCK_TABLE_NOT_FOUND, "dynamodb:DescribeTable", region, exc)]
    types = {a["AttributeName"]: a["AttributeType"] for a in description.get("AttributeDefinitions", [])}
    hash_name = next((k["AttributeName"] for k in description.get("KeySchema", []) if k["KeyType"] == "HASH"), None)
    hash_key = (hash_name, types.get(hash_name, "?")) if hash_name else None
    return TableFacts(table, True, description.get("TableStatus"), hash_key), []


def probe_lock(clients: ClientFactory, region: str, table: str) -> tuple[LockProbe, list[Finding]]:
    """Take, contend and release a lock item of our own; always try to clean up."""
    dynamodb = clients("dynamodb", region)
    lock_id = f"{PROBE_PREFIX}{uuid.uuid4()}"
    item = {"LockID": {"S": lock_id}, "Info": {"S": json.dumps({"Who": "stackguard lock probe"})}}
    condition = "attribute_not_exists(LockID)"
    acquired = refused = released = False
    detail = ""
    findings: list[Finding] = []
    try:
        dynamodb.put_item(TableName=table, Item=item, ConditionExpression=condition)
        acquired = True
        try:
            dynamodb.put_item(TableName=table, Item=item, ConditionExpression=condition)
            detail = "a second conditional write on a held lock succeeded: no mutual exclusion"
        except API_FAILURES as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            refused = True
    except API_FAILURES as exc:
        detail = f"{error_code(exc)} while probing"
        findings.append(api_error(catalog.BACKEND_LOCK_PROBE_FAILED, "dynamodb:PutItem", region, exc))
    finally:
        if acquired:
            try:
                dynamodb.delete_item(TableName=table, Key={"LockID": {"S": lock_id}})
                released = True
            except API_FAILURES as exc:
                findings.append(api_error(catalog.BACKEND_LOCK_PROBE_FAILED, "dynamodb:DeleteItem", region, exc))
    return LockProbe(lock_id, acquired, refused, released, detail), findings


def _lock_info(raw: str | None) -> dict[str, Any]:
    try:
        info = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def held_locks(
    clients: ClientFactory, region: str, *, bucket: str, table: str, state_keys: dict[str, str]
) -> tuple[list[HeldLock], list[Finding]]:
    """Terraform's lock items (DynamoDB) and lockfiles (S3 `<key>.tflock`) that are held now."""
    locks: list[HeldLock] = []
    findings: list[Finding] = []
    dynamodb, s3 = clients("dynamodb", region), clients("s3", region)
    for stack, key in sorted(state_keys.items()):
        lock_id = f"{bucket}/{key}"
        try:
            item = dynamodb.get_item(TableName=table, Key={"LockID": {"S": lock_id}}, ConsistentRead=True).get("Item")
        except API_FAILURES as exc:
            findings.append(api_error(catalog.STATE_LOCKED, "dynamodb:GetItem", region, exc, stack))
            item = None
        if item:
            info = _lock_info(item.get("Info", {}).get("S"))
            locks.append(HeldLock(stack, lock_id, info.get("Who"), info.get("Created"), info.get("Operation")))
        try:
            body = s3.get_object(Bucket=bucket, Key=f"{key}.tflock")["Body"].read().decode("utf-8", "replace")
        except API_FAILURES as exc:
            if error_code(exc) not in {"NoSuchKey", "404", "NotFound", "NoSuchBucket"}:
                findings.append(api_error(catalog.STATE_LOCKED, "s3:GetObject", region, exc, stack))
            continue
        info = _lock_info(body)
        locks.append(HeldLock(stack, f"s3://{bucket}/{key}.tflock", info.get("Who"), info.get("Created"), info.get("Operation")))
    return locks, findings

"""Backend readiness against moto: bucket and table settings, the lock probe, held locks."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from foundation.aws import client_factory
from guards.findings import BLOCKING
from guards.inventory import Inventory
from guards.live.backend import PROBE_PREFIX, bucket_facts, held_locks, probe_lock, table_facts
from guards.live_facts import LiveFacts
from guards.rules.backend_live import backend_readiness, state_locks

REGION = "eu-west-2"
BUCKET, TABLE = "sg-state", "sg-locks"
KEYS = {"core": "dev_min/core/terraform.tfstate", "demo": "dev_min/demo/terraform.tfstate"}


def make_bucket(session, *, versioning=True, encryption=True, block=True):
    s3 = session.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    if versioning:
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    if encryption:
        s3.put_bucket_encryption(
            Bucket=BUCKET,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
        )
    settings = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)
    if block != "none":
        if block is not True:
            settings["RestrictPublicBuckets"] = False
        s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration=settings)
    return s3


def make_table(session, key=("LockID", "S")):
    dynamodb = session.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": key[0], "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key[0], "AttributeType": key[1]}],
        BillingMode="PAY_PER_REQUEST",
    )
    return dynamodb


def readiness(session) -> set[str]:
    clients = client_factory(session)
    live = LiveFacts()
    bucket, errors_a = bucket_facts(clients, REGION, BUCKET)
    table, errors_b = table_facts(clients, REGION, TABLE)
    live.buckets.append(bucket)
    live.tables.append(table)
    if table.exists:
        probe, errors_c = probe_lock(clients, REGION, TABLE)
        live.lock_probes.append(probe)
    else:
        errors_c = []
    findings = backend_readiness(Inventory(live=live), None) + errors_a + errors_b + errors_c
    return {f.code for f in findings if f.status in BLOCKING}


def test_ready_backend_passes_and_the_probe_leaves_nothing_behind(aws):
    make_bucket(aws)
    dynamodb = make_table(aws)
    assert readiness(aws) == set()
    assert dynamodb.scan(TableName=TABLE)["Items"] == []


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        (dict(versioning=False), {"backend-versioning-disabled"}),
        (dict(encryption=False), {"backend-unencrypted"}),
        (dict(block="partly"), {"backend-public-access-open"}),
        (dict(block="none"), {"backend-public-access-open"}),
    ],
)
def test_bucket_defects(aws, bucket, expected):
    make_bucket(aws, **bucket)
    make_table(aws)
    assert readiness(aws) == expected


def test_missing_bucket_and_table(aws):
    assert readiness(aws) == {"backend-bucket-not-found", "backend-lock-table-not-found"}


def test_wrong_hash_key(aws):
    make_bucket(aws)
    make_table(aws, key=("id", "S"))
    # Terraform could not lock this table, and neither can the probe.
    assert readiness(aws) == {"backend-lock-table-schema", "backend-lock-probe-failed"}


def test_probe_uses_its_own_lock_ids_only(aws):
    dynamodb = make_table(aws)
    terraform_item = {"LockID": {"S": f"{BUCKET}/{KEYS['demo']}-md5"}, "Digest": {"S": "abc"}}
    dynamodb.put_item(TableName=TABLE, Item=terraform_item)
    probe, errors = probe_lock(client_factory(aws), REGION, TABLE)
    assert errors == [] and probe.lock_id.startswith(PROBE_PREFIX)
    assert (probe.acquired, probe.second_write_refused, probe.released) == (True, True, True)
    assert dynamodb.scan(TableName=TABLE)["Items"] == [terraform_item]


def test_held_lock_names_holder_and_age(aws):
    make_bucket(aws)
    dynamodb = make_table(aws)
    info = {"ID": "1", "Operation": "OperationTypeApply", "Who": "ci@runner", "Created": "2026-11-23T01:00:00Z"}
    dynamodb.put_item(TableName=TABLE, Item={"LockID": {"S": f"{BUCKET}/{KEYS['demo']}"}, "Info": {"S": json.dumps(info)}})
    locks, errors = held_locks(client_factory(aws), REGION, bucket=BUCKET, table=TABLE, state_keys=KEYS)
    assert errors == []
    assert [(lock.stack, lock.who) for lock in locks] == [("demo", "ci@runner")]
    live = LiveFacts(collected_at=dt.datetime(2026, 11, 23, 3, 30, tzinfo=dt.timezone.utc), held_locks=locks)
    (finding,) = [f for f in state_locks(Inventory(live=live), None) if f.status in BLOCKING]
    assert finding.code == "state-locked" and finding.stack == "demo"
    assert "ci@runner" in finding.message and "held for 2 h 30 min" in finding.message


def test_s3_lockfile_counts_as_held(aws):
    s3 = make_bucket(aws)
    make_table(aws)
    s3.put_object(Bucket=BUCKET, Key=f"{KEYS['core']}.tflock", Body=json.dumps({"Who": "laptop", "Created": "2026-11-23T03:00:00Z"}))
    locks, _ = held_locks(client_factory(aws), REGION, bucket=BUCKET, table=TABLE, state_keys=KEYS)
    assert [(lock.stack, lock.lock_id) for lock in locks] == [("core", f"s3://{BUCKET}/{KEYS['core']}.tflock")]

"""State objects in the S3 backend and Terraform's digest items, against moto over HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from foundation.aws import client_factory
from guards.findings import Status
from guards.inventory import Inventory
from guards.live.state import collect_state, digest_lock_id
from guards.live_facts import LiveFacts, StateDigest
from guards.policy import load_policy
from guards.rules.live_state import state_digest
from tests.conftest import REPO_ROOT, corpus_file
from tests.support.refusals import refuse

REGION, BUCKET, TABLE = "eu-west-2", "sg-devmin-state", "sg-devmin-locks"
DEMO_KEY, CORE_KEY = "dev_min/demo/terraform.tfstate", "dev_min/core/terraform.tfstate"
STATE = (Path(__file__).parent / "data" / "demo.tfstate.json").read_bytes()
STATE_MD5 = hashlib.md5(STATE).hexdigest()
STATE_SHA256 = hashlib.sha256(STATE).hexdigest()


@pytest.fixture
def backend(aws):
    """An empty state bucket and a lock table keyed like Terraform's (`LockID`, string)."""
    aws.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    aws.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return aws


def _put_state(aws, key: str, body: bytes) -> None:
    aws.client("s3").put_object(Bucket=BUCKET, Key=key, Body=body)


def _put_digest(aws, key: str, digest: str) -> None:
    aws.client("dynamodb").put_item(
        TableName=TABLE, Item={"LockID": {"S": digest_lock_id(BUCKET, key)}, "Digest": {"S": digest}}
    )


def _collect(aws, keys: dict[str, str] | None = None):
    return collect_state(
        client_factory(aws), region=REGION, bucket=BUCKET, lock_table=TABLE,
        state_keys=keys if keys is not None else {"demo": DEMO_KEY},
    )


def _judged(digests: list[StateDigest]) -> set[tuple[str, Status]]:
    inventory = Inventory(live=LiveFacts(state_digests=digests))
    return {(f.subject, f.status) for f in state_digest(inventory, load_policy(REPO_ROOT / "policy.toml"))}


def test_state_resources_are_read_and_a_matching_digest_passes(backend):
    _put_state(backend, DEMO_KEY, STATE)
    _put_digest(backend, DEMO_KEY, STATE_MD5)

    resources, digests, findings = _collect(backend)

    assert findings == []
    assert digests == [StateDigest(stack="demo", key=DEMO_KEY, object_md5=STATE_MD5, recorded_md5=STATE_MD5, object_sha256=STATE_SHA256)]
    assert sorted(r.address for r in resources) == [
        "aws_db_instance.db", "aws_ecs_service.app", "aws_subnet.public[0]", "aws_subnet.public[1]", "aws_vpc.demo",
    ]
    assert {(r.stack, r.source) for r in resources} == {("demo", "state")}
    (database,) = [r for r in resources if r.type == "aws_db_instance"]
    assert "not-a-real-password" not in repr(database.values)  # marked sensitive in the state
    assert _judged(digests) == {("*", Status.PASS)}


def test_a_digest_that_differs_from_the_object_fails(backend):
    _put_state(backend, DEMO_KEY, STATE)
    _put_digest(backend, DEMO_KEY, "0" * 32)

    _, digests, findings = _collect(backend)

    assert findings == []
    assert digests == [StateDigest(stack="demo", key=DEMO_KEY, object_md5=STATE_MD5, recorded_md5="0" * 32, object_sha256=STATE_SHA256)]
    assert _judged(digests) == {(DEMO_KEY, Status.FAIL)}


def test_no_digest_item_passes_terraform_without_dynamodb_writes_none(backend):
    _put_state(backend, DEMO_KEY, STATE)

    _, digests, findings = _collect(backend)

    assert findings == []
    assert digests == [StateDigest(stack="demo", key=DEMO_KEY, object_md5=STATE_MD5, recorded_md5=None, object_sha256=STATE_SHA256)]
    assert _judged(digests) == {("*", Status.PASS)}


def test_a_missing_object_is_no_resources_and_no_error(backend):
    resources, digests, findings = _collect(backend, {"demo": DEMO_KEY, "core": CORE_KEY})

    assert (resources, findings) == ([], [])
    assert digests == [
        StateDigest(stack="demo", key=DEMO_KEY, object_md5=None, recorded_md5=None),
        StateDigest(stack="core", key=CORE_KEY, object_md5=None, recorded_md5=None),
    ]
    assert _judged(digests) == {("*", Status.PASS)}


def test_a_missing_object_whose_digest_remains_fails_terraform_would_refuse_it(backend):
    _put_digest(backend, DEMO_KEY, STATE_MD5)

    _, digests, findings = _collect(backend)

    assert findings == []
    assert _judged(digests) == {(DEMO_KEY, Status.FAIL)}


def test_an_unparseable_object_is_an_error_naming_the_key_and_the_reason(backend):
    _put_state(backend, DEMO_KEY, b"<html>not state</html>")
    _put_digest(backend, DEMO_KEY, hashlib.md5(b"<html>not state</html>").hexdigest())

    resources, digests, findings = _collect(backend)

    assert resources == []
    (unreadable,) = findings
    assert (unreadable.code, unreadable.status, unreadable.subject, unreadable.stack) == (
        "backend-state-unreadable", Status.ERROR, f"s3://{BUCKET}/{DEMO_KEY}", "demo"
    )
    assert "is not valid JSON" in unreadable.message and "\n" not in unreadable.message
    assert _judged(digests) == {("*", Status.PASS)}  # the digest still matches what is there


def test_a_plan_in_place_of_state_is_unreadable_as_state(backend):
    _put_state(backend, DEMO_KEY, corpus_file("tfcompliance__tests_functional_test_issue-158_plan.out.json").read_bytes())

    resources, _, findings = _collect(backend)

    assert resources == []
    assert [(f.code, f.status) for f in findings] == [("backend-state-unreadable", Status.ERROR)]
    assert "not state" in findings[0].message


def test_a_refused_state_read_is_an_error_not_a_missing_object(backend):
    _put_state(backend, DEMO_KEY, STATE)
    refuse(backend, "s3.GetObject", "AccessDenied")

    resources, digests, findings = _collect(backend)

    assert (resources, digests) == ([], [])
    (denied,) = findings
    assert (denied.code, denied.status, denied.subject, denied.stack) == (
        "backend-state-unreadable", Status.ERROR, f"s3:GetObject@{REGION}", "demo"
    )
    assert "AccessDenied" in denied.message


def test_an_unreadable_lock_table_is_an_error_and_no_digest_is_judged(backend):
    _put_state(backend, DEMO_KEY, STATE)
    backend.client("dynamodb").delete_table(TableName=TABLE)

    resources, digests, findings = _collect(backend)

    assert len(resources) == 5 and digests == []
    (failed,) = findings
    assert (failed.code, failed.status, failed.subject) == (
        "backend-state-digest-mismatch", Status.ERROR, f"dynamodb:GetItem@{REGION}"
    )
    assert "ResourceNotFoundException" in failed.message

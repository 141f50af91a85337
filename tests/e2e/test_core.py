"""core, for real: synthesized with --bootstrap, applied by terraform and the AWS provider
against the emulated account, checked live, planned again, then moved into the S3
backend it has just created.

The steps build on each other (an apply takes about a minute), so they are two
session fixtures of tests/e2e/conftest.py, `bootstrapped` then `migrated`, and each test
checks one property of the account they leave.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError

from guards.documents import load_state, load_synth
from stacks.bootstrap import BOOTSTRAP_STATE_FILE
from tests.e2e.conftest import NO_CHANGES

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def managed_addresses(inventory) -> set[str]:
    return {resource.address for resource in inventory.resources if resource.mode == "managed"}


def test_core_applies_every_synthesized_resource(bootstrapped):
    synthesized = managed_addresses(load_synth(bootstrapped.workdir / "cdk.tf.json"))
    applied = managed_addresses(load_state(bootstrapped.show(), "core"))
    assert len(synthesized) == 23
    assert applied == synthesized
    assert (bootstrapped.engine.root / BOOTSTRAP_STATE_FILE).is_file()  # where --bootstrap said


def test_check_live_passes_on_the_account_core_made(bootstrapped):
    code, snapshot = bootstrapped.check_live("backend,budget", "e2e-bootstrap")
    assert [f for f in snapshot["findings"] if f["status"] != "PASS"] == []
    assert code == 0 and snapshot["overall_pass"] is True
    checked = {f["code"] for f in snapshot["findings"]}
    # Not a vacuous pass: the backend was probed and the budget's ladder was read.
    assert {"backend-lock-probe-failed", "backend-versioning-disabled", "budget-thresholds-mismatch", "budget-subscriber-missing"} <= checked


def test_a_second_plan_has_no_changes(bootstrapped):
    assert bootstrapped.plan_exit() == NO_CHANGES


def test_state_moves_into_the_bucket_core_made(migrated):
    config = migrated.config
    bucket, key = config.backend.state_bucket, config.state_key("core")
    state = migrated.engine.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    path = migrated.engine.root / "core-remote.tfstate"
    path.write_bytes(state)
    assert managed_addresses(load_state(path, "core")) == managed_addresses(load_synth(migrated.workdir / "cdk.tf.json"))
    table = migrated.engine.client("dynamodb").describe_table(TableName=config.backend.lock_table)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    # Terraform's DynamoDB lock wrote the state's digest beside the lock items: the table is in use.
    digest = migrated.engine.client("dynamodb").get_item(
        TableName=config.backend.lock_table, Key={"LockID": {"S": f"{bucket}/{key}-md5"}}
    )["Item"]["Digest"]["S"]
    assert digest == hashlib.md5(state).hexdigest()


def test_plans_through_the_s3_backend_and_its_locks(migrated):
    assert migrated.plan_exit() == NO_CHANGES
    code, snapshot = migrated.check_live("backend", "e2e-migrated")
    assert code == 0, [f for f in snapshot["findings"] if f["status"] != "PASS"]
    config = migrated.config
    source = f"s3://{config.backend.state_bucket}/{config.state_key('core')}"
    remote = migrated.engine.client("s3").get_object(Bucket=config.backend.state_bucket, Key=config.state_key("core"))
    assert snapshot["input_digests"][source] == hashlib.sha256(remote["Body"].read()).hexdigest()


def test_the_state_bucket_refuses_plain_http(migrated):
    """Core's TLS-only policy, honoured by the emulator: the same request is refused over
    plain HTTP and served over TLS."""
    config = migrated.config
    where = {"Bucket": config.backend.state_bucket, "Key": config.state_key("core")}
    with pytest.raises(ClientError) as refused:
        migrated.engine.client("s3", plain=True).get_object(**where)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert migrated.engine.client("s3").get_object(**where)["ContentLength"] > 0

"""core, for real, the way a user deploys it: `stackguard deploy core --bootstrap` on the
empty emulated account (terraform and the AWS provider apply core with local state, then
move that state into the bucket core made), then checked live, deployed again with no
changes, and its backend used for real.

The bootstrap runs once per session (conftest's `core_deployed`); each test checks one
property of the account it leaves.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError

from guards.documents import load_state, load_synth
from stacks.bootstrap import BOOTSTRAP_STATE_FILE
from tests.e2e.conftest import NO_CHANGES, run_lane

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def managed_addresses(inventory) -> set[str]:
    return {resource.address for resource in inventory.resources if resource.mode == "managed"}


def remote_state(core) -> bytes:
    config = core.config
    return core.engine.client("s3").get_object(Bucket=config.backend.state_bucket, Key=config.state_key("core"))["Body"].read()


def test_bootstrap_applies_every_synthesized_resource_and_moves_the_state(core_deployed, bootstrap):
    core, run = bootstrap
    synthesized = managed_addresses(load_synth(core.workdir / "cdk.tf.json"))
    assert len(synthesized) == 33
    planned = run.snapshot("deploy-plan")
    assert planned["details"]["bootstrap"] is True
    assert set(planned["details"]["planned_changes"]) == synthesized
    assert set(planned["details"]["planned_changes"].values()) == {"create"}
    path = core.engine.root / "core-remote.tfstate"
    path.write_bytes(remote_state(core))
    assert managed_addresses(load_state(path, "core")) == synthesized
    migrate = run.snapshot("deploy-migrate")
    assert migrate["overall_pass"] is True
    assert migrate["details"]["remote_state"]["resources"] == 33
    local, remote = migrate["details"]["local_state"], migrate["details"]["remote_state"]
    assert local["content_sha256"] == remote["content_sha256"]
    # Terraform gives the bucket's copy a new lineage and serial: why content is compared.
    assert (remote["lineage"], remote["serial"]) != (local["lineage"], local["serial"])
    assert run.snapshot("deploy-live")["overall_pass"] is True


def test_the_local_bootstrap_state_is_retired(core_deployed, bootstrap):
    _, run = bootstrap
    assert not list(core_deployed.engine.root.glob(f"{BOOTSTRAP_STATE_FILE}*"))
    assert str(core_deployed.engine.root / BOOTSTRAP_STATE_FILE) in run.snapshot("deploy-migrate")["details"]["retired"]


def test_check_live_passes_on_the_account_core_made(core_deployed):
    code, snapshot = core_deployed.check_live("backend,budget", "e2e-core-live")
    assert [f for f in snapshot["findings"] if f["status"] != "PASS"] == []
    assert code == 0 and snapshot["overall_pass"] is True
    checked = {f["code"] for f in snapshot["findings"]}
    # Not a vacuous pass: the backend was probed and the budget's ladder was read.
    assert {"backend-lock-probe-failed", "backend-versioning-disabled", "budget-thresholds-mismatch", "budget-subscriber-missing"} <= checked


def test_a_second_bootstrap_is_refused(core_deployed):
    run = run_lane(core_deployed, "deploy", "core", "--bootstrap", "--auto-approve", run_id="e2e-bootstrap-again")
    assert run.answer.returncode == 2, run.answer.stderr
    assert "core's state is already in s3://" in run.answer.stderr
    assert not run.has_snapshot("deploy-plan")


def test_plans_through_the_s3_backend_and_its_locks(core_deployed):
    assert core_deployed.plan_exit() == NO_CHANGES
    code, snapshot = core_deployed.check_live("backend", "e2e-core-backend")
    assert code == 0, [f for f in snapshot["findings"] if f["status"] != "PASS"]
    config = core_deployed.config
    source = f"s3://{config.backend.state_bucket}/{config.state_key('core')}"
    assert snapshot["input_digests"][source] == hashlib.sha256(remote_state(core_deployed)).hexdigest()
    table = core_deployed.engine.client("dynamodb").describe_table(TableName=config.backend.lock_table)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    # Terraform's DynamoDB lock wrote the state's digest beside the lock items: the table is in use.
    digest = core_deployed.engine.client("dynamodb").get_item(
        TableName=config.backend.lock_table, Key={"LockID": {"S": f"{source[5:]}-md5"}}
    )["Item"]["Digest"]["S"]
    assert digest == hashlib.md5(remote_state(core_deployed)).hexdigest()


def test_the_state_bucket_refuses_plain_http(core_deployed):
    """Core's TLS-only policy, honoured by the emulator: the same request is refused over
    plain HTTP and served over TLS."""
    config = core_deployed.config
    where = {"Bucket": config.backend.state_bucket, "Key": config.state_key("core")}
    with pytest.raises(ClientError) as refused:
        core_deployed.engine.client("s3", plain=True).get_object(**where)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert core_deployed.engine.client("s3").get_object(**where)["ContentLength"] > 0

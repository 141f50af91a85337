"""core, for real: synthesized with --bootstrap, applied by terraform and the AWS provider
against the emulated account, checked live, planned again, then moved into the S3
backend it has just created.

The steps build on each other (an apply takes about a minute), so they are two
module-scoped fixtures, `bootstrapped` then `migrated`, and each test checks one property
of the account they leave.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from guards.documents import load_state, load_synth
from stacks.bootstrap import BOOTSTRAP_STATE_FILE
from stacks.config import load_config
from tests.conftest import REPO_ROOT, in_process
from tests.e2e.conftest import Engine

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

POLICY_FILE = REPO_ROOT / "policy.toml"
NO_CHANGES, CHANGES = 0, 2  # terraform plan -detailed-exitcode


@dataclass(frozen=True)
class Core:
    engine: Engine
    outdir: Path  # cdktf.out
    workdir: Path  # cdktf.out/stacks/core

    @property
    def config(self):
        return load_config(self.engine.config_file)

    def synth(self, *, bootstrap: bool) -> None:
        """`stackguard synth` in this process (jsii is loaded once per session), from the
        engine's root, where --bootstrap puts core's local state."""
        args = ["synth", "--out", str(self.outdir), "--config", str(self.engine.config_file)]
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(self.engine.root)
            code, _, err = in_process(*args, *(["--bootstrap"] if bootstrap else []))
        assert code == 0, err

    def show(self) -> Path:
        answer = self.engine.terraform(self.workdir, "show", "-json", "-no-color")
        path = self.engine.root / "core-show.json"
        path.write_text(answer.stdout)
        return path

    def plan_exit(self) -> int:
        answer = self.engine.terraform(
            self.workdir, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=30s", check=False
        )
        assert answer.returncode in (NO_CHANGES, CHANGES), answer.stderr[-3000:]
        return answer.returncode

    def check_live(self, sections: str, run_id: str) -> tuple[int, dict]:
        answer = self.engine.stackguard(
            "check", "live", "--only", sections, "--config", str(self.engine.config_file), "--policy", str(POLICY_FILE),
            "--evidence-dir", str(self.engine.root / "runs"), "--run-id", run_id, "--format", "json",
        )  # fmt: skip
        assert answer.returncode in (0, 1), answer.stderr
        return answer.returncode, json.loads(answer.stdout)


@pytest.fixture(scope="module")
def bootstrapped(engine: Engine) -> Core:
    """core synthesized with a local backend, initialized and applied."""
    outdir = engine.root / "cdktf.out"
    core = Core(engine, outdir, outdir / "stacks" / "core")
    core.synth(bootstrap=True)
    engine.terraform(core.workdir, "init", "-input=false", "-no-color")
    engine.terraform(core.workdir, "apply", "-auto-approve", "-input=false", "-no-color")
    return core


@pytest.fixture(scope="module")
def migrated(bootstrapped: Core) -> Core:
    """core synthesized again without --bootstrap, its state copied into the S3 backend."""
    bootstrapped.synth(bootstrap=False)
    bootstrapped.engine.terraform(bootstrapped.workdir, "init", "-migrate-state", "-force-copy", "-input=false", "-no-color")
    return bootstrapped


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

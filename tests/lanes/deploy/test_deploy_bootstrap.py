"""`stackguard deploy core --bootstrap`: core's first deploy on a fresh account, with local
state, then that state moved into the bucket and verified before the local copy goes.

The real move (terraform 1.11 and the provider against moto) is in tests/e2e; here the
fake terraform injects what real terraform does not do on demand: a migration that
reports success but leaves nothing in the bucket, and one that fails. Synthesis is
replaced by a recorder: the fake terraform reads no configuration, and which backend
each synth asked for is what matters.
"""

from __future__ import annotations

import json

import pytest

from stacks.bootstrap import BOOTSTRAP_STATE_FILE
from tests.lanes.deploy.conftest import core_bucket, snapshot_codes
from tests.support.plans import CONFIG, create_plan, raw_state

STATE_WHERE = f"s3://{CONFIG.backend.state_bucket}/{CONFIG.state_key('core')}"


@pytest.fixture
def synths(monkeypatch) -> list[bool]:
    """Which backend each synthesis asked for (True: core's local bootstrap state)."""
    import stackguard.lanes.bootstrap
    import stackguard.lanes.deploy

    asked: list[bool] = []

    def record(config, outdir, *, bootstrap=False, use_cache=True):
        asked.append(bootstrap)
        return []

    monkeypatch.setattr(stackguard.lanes.deploy, "synthesize", record)
    monkeypatch.setattr(stackguard.lanes.bootstrap, "synthesize", record)
    return asked


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The project root the lane runs from: where --bootstrap keeps core's local state."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def fresh_account(ready_backend):
    """The bucket and table exist (as they would once core's local apply made them), but
    core's state is not in the bucket yet."""
    ready_backend.client("s3", region_name=CONFIG.region).delete_object(
        Bucket=CONFIG.backend.state_bucket, Key=CONFIG.state_key("core")
    )
    return ready_backend


def applied_local_state(project, stacks) -> bytes:
    """What the local apply left: core's state file at the project root."""
    data = raw_state([("aws_s3_bucket", "state", core_bucket(stacks))])
    (project / BOOTSTRAP_STATE_FILE).write_bytes(data)
    return data


def test_a_plain_core_deploy_on_a_fresh_account_names_the_bootstrap(deploy, terraform, fresh_account, project, synths):
    run = deploy("core", "--auto-approve")
    assert run.code == 3, run.stderr
    assert "stackguard deploy core --bootstrap" in run.stderr and STATE_WHERE in run.stderr
    assert terraform.calls() == [] and synths == []


def test_a_plain_core_deploy_with_an_unmoved_bootstrap_state_says_how_to_finish(deploy, terraform, fresh_account, project, synths, stacks):
    applied_local_state(project, stacks)
    run = deploy("core", "--auto-approve")
    assert run.code == 2, run.stderr
    assert "has not been moved" in run.stderr and "--bootstrap" in run.stderr
    assert terraform.calls() == []


def test_bootstrap_is_refused_once_cores_state_is_in_the_bucket(deploy, terraform, ready_backend, project, synths):
    run = deploy("core", "--bootstrap", "--auto-approve")
    assert run.code == 2, run.stderr
    assert f"core's state is already in {STATE_WHERE}" in run.stderr
    assert terraform.calls() == [] and synths == []


def test_bootstrap_is_cores_alone(deploy, terraform, ready_backend, project):
    run = deploy("demo", "--bootstrap", "--auto-approve")
    assert run.code == 2
    assert "--bootstrap is core's first deploy only" in run.stderr
    assert terraform.calls() == []


def test_bootstrap_plans_from_local_state_then_migrates(deploy, terraform, fresh_account, project, synths, stacks):
    """The happy path's sequence (the real move is proven in tests/e2e): synth with local
    state, init -reconfigure, plan, apply; synth with the S3 backend, init -migrate-state.
    The fake moves nothing, so the bucket's copy is missing: the migration is not
    verified, the local state is kept, and the exit is 3."""
    terraform.plan(create_plan(stacks["core"], "core"))
    local = applied_local_state(project, stacks)

    run = deploy("core", "--bootstrap", "--auto-approve")

    assert run.code == 3, run.stderr
    calls = terraform.calls()
    assert [c[0] for c in calls] == ["init", "plan", "show", "apply", "init"]
    assert "-reconfigure" in calls[0]
    assert {"-migrate-state", "-force-copy", "-input=false"} <= set(calls[4])
    assert synths == [True, False]
    migrate = run.snapshot("deploy-migrate")
    assert snapshot_codes(migrate) == {"state-migration-unverified"}
    assert migrate["details"]["retired"] == []
    assert (project / BOOTSTRAP_STATE_FILE).read_bytes() == local, "the only record of core is kept"
    assert run.snapshot("deploy-plan")["details"]["bootstrap"] is True
    assert not run.has_snapshot("deploy-live")
    [error] = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert "run `stackguard deploy core --bootstrap` again" in error


def test_a_failed_migration_keeps_the_local_state_and_exits_3(deploy, terraform, fresh_account, project, synths, stacks):
    terraform.plan(create_plan(stacks["core"], "core"))
    terraform.fails("init -migrate-state", 1, "Error: Error acquiring the state lock\n")
    applied_local_state(project, stacks)

    run = deploy("core", "--bootstrap", "--auto-approve")

    assert run.code == 3
    assert (project / BOOTSTRAP_STATE_FILE).exists()
    migrate = run.snapshot("deploy-migrate")
    assert "Error acquiring the state lock" in migrate["details"]["problem"]
    assert not migrate["overall_pass"]


def test_a_migration_found_in_the_bucket_retires_the_local_copy(deploy, terraform, fresh_account, project, synths, stacks, monkeypatch):
    """The fake cannot write the bucket, so its `init -migrate-state` is followed by the
    copy real terraform makes: the same bytes at core's key."""
    import stackguard.terraform

    terraform.plan(create_plan(stacks["core"], "core"))
    local = applied_local_state(project, stacks)
    (project / f"{BOOTSTRAP_STATE_FILE}.backup").write_bytes(local)
    real_migrate = stackguard.terraform.Terraform.migrate_state

    def migrate_and_copy(self):
        real_migrate(self)
        fresh_account.client("s3", region_name=CONFIG.region).put_object(
            Bucket=CONFIG.backend.state_bucket, Key=CONFIG.state_key("core"), Body=local
        )

    monkeypatch.setattr(stackguard.terraform.Terraform, "migrate_state", migrate_and_copy)

    run = deploy("core", "--bootstrap", "--auto-approve")

    assert run.code == 0, run.stdout + run.stderr
    migrate = run.snapshot("deploy-migrate")
    assert migrate["overall_pass"] is True
    assert migrate["details"]["local_state"]["sha256"] == migrate["details"]["remote_state"]["sha256"]
    assert sorted(migrate["details"]["retired"]) == sorted(
        str(project / name) for name in (BOOTSTRAP_STATE_FILE, f"{BOOTSTRAP_STATE_FILE}.backup")
    )
    assert not list(project.glob(f"{BOOTSTRAP_STATE_FILE}*"))
    assert run.snapshot("deploy-live")["overall_pass"] is True


def test_a_bucket_copy_of_another_state_keeps_the_local_one(deploy, terraform, fresh_account, project, synths, stacks, monkeypatch):
    """Other attributes in the bucket (a second bootstrap elsewhere raced this one): blocked."""
    import stackguard.terraform

    terraform.plan(create_plan(stacks["core"], "core"))
    applied_local_state(project, stacks)
    other = json.loads(raw_state([("aws_s3_bucket", "state", core_bucket(stacks))]))
    other["resources"][0]["instances"][0]["attributes"]["id"] = "another"

    def migrate_elsewhere(self):
        fresh_account.client("s3", region_name=CONFIG.region).put_object(
            Bucket=CONFIG.backend.state_bucket, Key=CONFIG.state_key("core"), Body=json.dumps(other).encode()
        )

    monkeypatch.setattr(stackguard.terraform.Terraform, "migrate_state", migrate_elsewhere)

    run = deploy("core", "--bootstrap", "--auto-approve")

    assert run.code == 3
    [blocker] = run.snapshot("deploy-migrate")["blockers"]
    assert blocker["code"] == "state-migration-unverified" and "other attributes" in blocker["message"]
    assert (project / BOOTSTRAP_STATE_FILE).exists()

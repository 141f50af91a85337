"""`stackguard deploy`: readiness, the plan guards on exactly the plan that is applied,
then `check live`. The fake terraform on PATH logs its argv; AWS is moto."""

from __future__ import annotations

import pytest

from tests.lanes.deploy.conftest import snapshot_codes
from tests.support.operator_env import put_state
from tests.support.plans import CONFIG, create_plan, created


@pytest.fixture
def core_plan(stacks) -> dict:
    return create_plan(stacks["core"], "core")


def test_clean_core_deploy_applies_exactly_the_checked_plan_once(deploy, terraform, ready_backend, core_plan, outdir):
    terraform.plan(core_plan)
    run = deploy("core", "--auto-approve")
    assert run.code == 0, run.stdout + run.stderr
    calls = terraform.calls()
    assert [call[0] for call in calls] == ["init", "plan", "show", "apply"]
    plan_file = next(a.split("=", 1)[1] for a in calls[1] if a.startswith("-out="))
    assert "-input=false" in calls[0] and "-input=false" in calls[1] and "-input=false" in calls[3]
    [applied] = terraform.applied()
    assert calls[2] == ["show", "-json", applied["path"]], "what is judged is the private copy"
    assert calls[3][-1] == applied["path"] and applied["path"].endswith(f"/{plan_file}")
    checked = run.snapshot("deploy-plan")
    assert checked["overall_pass"] is True
    assert checked["details"]["plan_file_sha256"] == checked["input_digests"][checked["details"]["plan_file"]]
    assert checked["details"]["plan_file_sha256"] == applied["sha256"]
    assert checked["details"]["plan_file"].endswith(plan_file)
    workdir = outdir / "stacks" / "core"
    assert not list(workdir.glob("*.tfplan*")), "neither the plan nor its unredacted show -json is left beside it"
    live = run.snapshot("deploy-live")
    assert live["overall_pass"] is True
    assert live["details"]["stack"] == "core"


def test_a_plan_creating_a_nat_gateway_stops_before_apply(deploy, terraform, ready_backend, core_plan):
    core_plan["resource_changes"].append(created("aws_nat_gateway", "sneaky", {"subnet_id": "subnet-1"}))
    terraform.plan(core_plan)
    run = deploy("core", "--auto-approve")
    assert run.code == 1, run.stdout + run.stderr
    assert [call[0] for call in terraform.calls()] == ["init", "plan", "show"]
    assert "forbidden-nat-gateway" in snapshot_codes(run.snapshot("deploy-plan"))
    assert not run.has_snapshot("deploy-live")


def test_demo_before_confluent_is_refused_before_terraform_runs(deploy, terraform, ready_backend):
    assert CONFIG.demo.confluent_source == "remote_state"
    ready_backend.client("s3", region_name=CONFIG.region).delete_object(
        Bucket=CONFIG.backend.state_bucket, Key=CONFIG.state_key("confluent")
    )
    run = deploy("demo", "--auto-approve")
    assert run.code == 1, run.stdout + run.stderr
    assert terraform.calls() == []
    snapshot = run.snapshot("deploy-plan")
    assert snapshot_codes(snapshot) == {"deploy-order"}
    [finding] = [f for f in snapshot["findings"] if f["code"] == "deploy-order"]
    assert "deploy confluent first" in finding["message"] and "manual" in finding["message"]
    assert snapshot["details"]["terraform_ran"] is False


def test_confluent_with_a_deployed_core_passes_readiness_and_applies(deploy, terraform, ready_backend, stacks):
    put_state(ready_backend, "core", [("aws_s3_bucket", "state", {"bucket": CONFIG.backend.state_bucket})])
    # What the apply leaves in confluent's state (the fake terraform writes none).
    tags = stacks["confluent"]["provider"]["aws"][0]["default_tags"][0]["tags"]
    put_state(ready_backend, "confluent", [("aws_ssm_parameter", "bootstrap_parameter", {"name": "/b", "tags_all": tags})])
    terraform.plan(create_plan(stacks["confluent"], "confluent"))
    run = deploy("confluent", "--auto-approve")
    assert run.code == 0, run.stdout + run.stderr
    assert [call[0] for call in terraform.calls()] == ["init", "plan", "show", "apply"]
    assert "backend-lock-probe-failed" in snapshot_codes(run.snapshot("deploy-plan"), blocking=False)


def test_static_keys_are_refused_before_anything_runs(deploy, terraform, ready_backend, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAXXXXXXXXXXXXXXXX")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    run = deploy("core", "--auto-approve")
    assert run.code == 1
    assert terraform.calls() == []
    assert snapshot_codes(run.snapshot("deploy-plan")) == {"static-credentials"}


def test_without_a_terminal_or_auto_approve_nothing_is_applied(deploy, terraform, ready_backend, core_plan):
    terraform.plan(core_plan)
    run = deploy("core")
    assert run.code == 2
    assert "nothing was applied" in run.stderr
    assert "apply" not in [call[0] for call in terraform.calls()]


def test_a_failing_apply_exits_3_with_one_line(deploy, terraform, ready_backend, core_plan):
    terraform.plan(core_plan)
    terraform.apply_fails(1, "Error: creating S3 bucket: AccessDenied\n")
    run = deploy("core", "--auto-approve")
    assert run.code == 3
    assert run.stderr.strip().splitlines()[-1].startswith("error: terraform apply failed (exit 1): Error: creating")


def test_confluent_on_a_backend_that_is_not_ready_stops_before_terraform(deploy, terraform, account):
    put_state(account, "core", [("aws_s3_bucket", "state", {"bucket": CONFIG.backend.state_bucket})])
    run = deploy("confluent", "--auto-approve")
    assert run.code == 1, run.stdout + run.stderr
    assert terraform.calls() == []
    assert "backend-versioning-disabled" in snapshot_codes(run.snapshot("deploy-plan"))

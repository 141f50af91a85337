"""`stackguard teardown plan|run` end to end: the fake terraform on PATH, moto over HTTP,
real contract, real evidence."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import CONFIG_FILE
from tests.support.operator_env import BUCKET, POLICY_FILE, TABLE, put_state
from tests.support.plans import CONFIG, REGION, plan_change, state_of

PLAN = "teardown-td-1.tfplan"


def blockers(snapshot: dict) -> set[tuple[str, str]]:
    return {(b["code"], b["subject"]) for b in snapshot["blockers"]}


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_clean_destroy_is_applied_once_with_the_plan_file_that_was_checked(account, terraform, teardown, outdir, demo_plan):
    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 0, result.stderr
    calls = terraform.calls()
    [applied] = terraform.applied()
    copy = applied["path"]
    assert calls == [
        ["init", "-input=false", "-no-color"],
        ["plan", "-destroy", "-input=false", "-no-color", f"-out={PLAN}"],
        ["show", "-json", copy],
        ["apply", "-input=false", "-no-color", copy],
        ["show", "-json"],
    ]
    assert copy.endswith(f"/{PLAN}") and Path(copy).is_absolute() and not copy.startswith(str(outdir))
    contract = result.snapshot("teardown-contract")
    plan_file = outdir / "stacks" / "demo" / PLAN
    assert contract["overall_pass"] and contract["details"]["plan_file"] == str(plan_file)
    assert contract["details"]["plan_file_sha256"] == applied["sha256"]
    assert not plan_file.exists() and not Path(copy).parent.exists(), "no plan file outlives the lane"
    assert contract["details"]["destroy_set"] == sorted(
        c["address"] for c in demo_plan["resource_changes"] if c["mode"] == "managed"
    )
    preserved = {item["identity"] for item in contract["details"]["preserve_set"]}
    assert {f"s3-bucket:{BUCKET}", f"dynamodb-table:{TABLE}", f"iam-role:{CONFIG.ci_role_name('teardown')}", f"iam-role:{CONFIG.budget_stop_role_name}"} <= preserved

    proof = result.snapshot("teardown")
    assert proof["overall_pass"] and proof["details"]["not_destroyed"] == []
    for lane, key in (("teardown-contract", "contract"), ("teardown-verify", "verification")):
        path = result.evidence / "dev_min" / lane / "td-1" / f"{lane}_snapshot.json"
        assert proof["details"][key] == {"path": str(path), "sha256": sha256(path)}
    verification = result.snapshot("teardown-verify")
    assert {p["name"] for p in verification["details"]["preserved"] if p["exists"]} == {
        "state_bucket", "lock_table", "evidence_bucket", "budget"
    }
    assert result.stdout.rstrip().endswith("PASS")


def test_the_destroy_set_and_the_preserve_set_are_shown_before_the_apply_and_the_log_beside_the_proof(
    account, terraform, teardown, demo_plan
):
    result = teardown("run", "demo", "--auto-approve")
    assert result.code == 0, result.stderr
    lines = result.stderr.splitlines()
    steps = [line.removeprefix("step: ") for line in lines if line.startswith("step: ")]
    assert steps == ["preflight", "synth", "backend", "init", "plan", "guards", "apply", "verify"]
    shown = lines[:lines.index("step: apply")]
    deletes = sorted(c["address"] for c in demo_plan["resource_changes"] if c["mode"] == "managed")
    assert [line.removeprefix("  - delete  ") for line in shown if line.startswith("  - delete  ")] == deletes
    assert any(line.startswith("preserve-set: ") for line in shown)
    assert f"  = s3-bucket:{BUCKET} " in "\n".join(shown)
    log = result.evidence / "dev_min" / "teardown" / "td-1" / "terraform.log"
    assert f"terraform output: {log}" in lines and log.with_name("teardown_snapshot.json").is_file()
    assert "$ terraform apply -input=false -no-color" in log.read_text()


def test_plan_destroys_nothing_and_freezes_the_contract(account, terraform, teardown):
    result = teardown("plan", "demo", "--format", "json")

    assert result.code == 0, result.stderr
    assert [call[0] for call in terraform.calls()] == ["init", "plan", "show"]
    snapshot = json.loads(result.stdout)
    assert snapshot["lane"] == "teardown-contract" and snapshot["overall_pass"]
    assert snapshot["details"]["plan_file"] in snapshot["input_digests"]
    assert not result.has_snapshot("teardown")


@pytest.mark.parametrize(
    ("change", "identity"),
    [
        (plan_change("aws_s3_bucket", "anything", {"bucket": BUCKET, "id": BUCKET}, ["delete"], module="module.x"), "s3-bucket"),
        (plan_change("aws_dynamodb_table", "locks", {"name": TABLE, "id": TABLE}, ["delete"], module="module.y.module.z"), "dynamodb-table"),
    ],
    ids=["state-bucket", "lock-table"],
)
def test_deleting_the_state_bucket_or_lock_table_anywhere_stops_before_apply(
    account, terraform, teardown, demo_plan, change, identity
):
    terraform.plan({**demo_plan, "resource_changes": [*demo_plan["resource_changes"], change]})

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert "apply" not in [call[0] for call in terraform.calls()]
    contract = result.snapshot("teardown-contract")
    assert blockers(contract) == {
        ("preserve-violation", change["address"]),
        ("destroy-out-of-scope", change["address"]),
    }
    violation = next(f for f in contract["findings"] if f["code"] == "preserve-violation" and f["status"] == "FAIL")
    assert identity in violation["message"] and "preserve list" in violation["message"]
    assert not result.has_snapshot("teardown")


def test_a_policy_that_preserves_nothing_still_preserves_the_state_bucket(
    account, terraform, teardown, demo_plan, tmp_path
):
    policy = tmp_path / "policy.toml"
    text = POLICY_FILE.read_text()
    policy.write_text(re.sub(r"(?m)^preserve = \[.*\]$", "preserve = []", text))
    assert "preserve = []" in policy.read_text()
    deleted = plan_change("aws_s3_bucket", "anything", {"bucket": BUCKET, "id": BUCKET}, ["delete"], module="module.x")
    terraform.plan({**demo_plan, "resource_changes": [*demo_plan["resource_changes"], deleted]})

    result = teardown("run", "demo", "--auto-approve", policy=policy)

    assert result.code == 1
    assert "apply" not in [call[0] for call in terraform.calls()]
    contract = result.snapshot("teardown-contract")
    assert ("preserve-violation", deleted["address"]) in blockers(contract)
    violation = next(f for f in contract["findings"] if f["code"] == "preserve-violation" and f["status"] == "FAIL")
    assert "preserve floor (state_bucket)" in violation["message"]


def test_a_policy_that_preserves_nothing_still_verifies_the_floor_exists(account, terraform, teardown, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(re.sub(r"(?m)^preserve = \[.*\]$", "preserve = []", POLICY_FILE.read_text()))

    result = teardown("run", "demo", "--auto-approve", policy=policy)

    assert result.code == 0, result.stderr
    verification = result.snapshot("teardown-verify")
    assert {p["name"] for p in verification["details"]["preserved"]} == {"state_bucket", "lock_table", "evidence_bucket"}


def test_a_destroy_plan_that_creates_something_is_refused(account, terraform, teardown, demo_plan):
    created = plan_change("aws_nat_gateway", "sneaky", {"subnet_id": "subnet-1"}, ["create"])
    terraform.plan({**demo_plan, "resource_changes": [*demo_plan["resource_changes"], created]})

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert blockers(result.snapshot("teardown-contract")) == {("destroy-unexpected-action", "aws_nat_gateway.sneaky")}
    assert "apply" not in [call[0] for call in terraform.calls()]


def test_a_stack_the_policy_does_not_allow_stops_before_terraform_runs(terraform, teardown):
    result = teardown("run", "core", "--auto-approve")

    assert result.code == 1
    assert terraform.calls() == []
    contract = result.snapshot("teardown-contract")
    assert blockers(contract) == {("destroy-out-of-scope", "core")}
    assert contract["details"]["refused"] is True, "the verdict sets it aside: nothing ran"


@pytest.mark.parametrize("command", ["plan", "run"])
def test_an_unknown_stack_is_a_usage_error_that_writes_nothing(terraform, teardown, command):
    result = teardown(command, "anything-else", *(["--auto-approve"] if command == "run" else []))

    assert result.code == 2
    assert "STACK must be one of core, confluent, demo, not 'anything-else'" in result.stderr
    assert terraform.calls() == []
    assert not result.evidence.exists() or not any(result.evidence.rglob("*.json"))


def test_static_keys_stop_it_before_anything_runs(account, terraform, teardown, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN")

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert terraform.calls() == []
    contract = result.snapshot("teardown-contract")
    assert blockers(contract) == {("static-credentials", "env:AWS_ACCESS_KEY_ID")}
    recorded = json.dumps(contract) + result.stdout + result.stderr
    assert "AKIAIOSFODNN7EXAMPLE" not in recorded and "wJalrXUtnFEMI" not in recorded


def test_allowing_static_keys_lets_it_go_and_is_recorded(account, terraform, teardown, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.delenv("AWS_SESSION_TOKEN")

    result = teardown("run", "demo", "--auto-approve", "--allow-static-credentials")

    assert result.code == 0, result.stderr
    assert [call[0] for call in terraform.calls()].count("apply") == 1
    for lane in ("teardown-contract", "teardown"):
        snapshot = result.snapshot(lane)
        assert snapshot["details"]["static_credentials_allowed"] is True
        waived = [f for f in snapshot["findings"] if f["code"] == "static-credentials"]
        assert [f["waiver"] for f in waived] == ["allowed by --allow-static-credentials (local sandbox)"]
    assert "AKIAIOSFODNN7EXAMPLE" not in (result.evidence / "dev_min/teardown/td-1/teardown_snapshot.json").read_text()


def test_a_held_lock_stops_it(account, terraform, teardown):
    lock = {"Who": "alice@laptop", "Created": "2026-11-23T01:00:00Z", "Operation": "OperationTypeApply"}
    account.client("dynamodb", region_name=REGION).put_item(
        TableName=TABLE,
        Item={"LockID": {"S": f"{BUCKET}/{CONFIG.state_key('demo')}"}, "Info": {"S": json.dumps(lock)}},
    )

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert terraform.calls() == []
    contract = result.snapshot("teardown-contract")
    assert blockers(contract) == {("state-locked", f"{BUCKET}/{CONFIG.state_key('demo')}")}
    assert "alice@laptop" in contract["blockers"][0]["message"] and "held for" in contract["blockers"][0]["message"]


def test_a_residual_ecs_service_fails_the_verification(account, terraform, teardown):
    ecs = account.client("ecs", region_name=REGION)
    cluster = ecs.create_cluster(clusterName="sg-devmin-demo-cluster")["cluster"]["clusterArn"]
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "api", "image": "nginx", "memory": 512}])
    service = ecs.create_service(
        cluster=cluster, serviceName="sg-devmin-demo-api", taskDefinition="api", desiredCount=2,
        tags=[{"key": "stack", "value": "demo"}],
    )["service"]["serviceArn"]

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert [call[0] for call in terraform.calls()].count("apply") == 1
    verification = result.snapshot("teardown-verify")
    assert blockers(verification) == {("residual-resource", service)}
    assert "desired count 2" in verification["blockers"][0]["message"]
    assert blockers(result.snapshot("teardown")) == {("residual-resource", service)}


def test_what_the_destroy_deregistered_or_deleted_is_not_a_residual(account, terraform, teardown):
    """After a real destroy the tagging API still lists the INACTIVE task definition and
    cluster under stack=demo; their own describes say they are gone."""
    ecs = account.client("ecs", region_name=REGION)
    tags = [{"key": "stack", "value": "demo"}, {"key": "environment", "value": "dev_min"}]
    task = ecs.register_task_definition(family="devmin-demo-api", containerDefinitions=[{"name": "api", "image": "nginx", "memory": 512}], tags=tags)
    ecs.deregister_task_definition(taskDefinition=task["taskDefinition"]["taskDefinitionArn"])
    ecs.delete_cluster(cluster=ecs.create_cluster(clusterName="devmin-demo-cluster", tags=tags)["cluster"]["clusterArn"])

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 0, result.stderr
    verification = result.snapshot("teardown-verify")
    assert verification["details"]["tagged_listed"] == 2 and verification["details"]["live_residuals"] == []
    (residual,) = [f for f in verification["findings"] if f["code"] == "residual-resource" and f["subject"] == "live"]
    assert residual["message"] == "nothing tagged stack=demo is left (2 listed but confirmed gone)"


def test_a_stale_plan_stops_cleanly(account, terraform, teardown, demo_plan, outdir):
    terraform.apply_fails(1, "\n\u2577\n\u2502 Error: Saved plan is stale\n\u2502 \n\u2502 The given plan file can no longer be applied because the state was changed by another operation after the plan was created.\n\u2575\n")
    terraform.state(state_of(demo_plan))

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 3
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "stale" in errors[0] and "stackguard teardown plan demo" in errors[0]
    assert [call[0] for call in terraform.calls()].count("apply") == 1
    proof = result.snapshot("teardown")
    assert proof["details"]["destroyed"] == []
    assert proof["details"]["not_destroyed"] == result.snapshot("teardown-contract")["details"]["destroy_set"]
    assert ("destroy-apply-failed", str(outdir / "stacks" / "demo" / PLAN)) in blockers(proof)


def test_a_failed_apply_says_what_was_and_was_not_destroyed(account, terraform, teardown, demo_plan):
    left = {"aws_vpc.vpc", "aws_subnet.public_subnet_0"}
    terraform.apply_fails(1, "Error: deleting EC2 VPC (vpc-1): DependencyViolation\n")
    terraform.state(state_of(demo_plan, keep=left))

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 3 and "DependencyViolation" in result.stderr
    proof = result.snapshot("teardown")
    assert set(proof["details"]["not_destroyed"]) == left
    assert len(proof["details"]["destroyed"]) == len(result.snapshot("teardown-contract")["details"]["destroy_set"]) - 2
    assert {s for c, s in blockers(proof) if c == "residual-resource"} == left
    assert not result.has_snapshot("teardown-verify")


def test_confluent_is_refused_while_demo_state_has_resources(account, terraform, teardown):
    put_state(account, "demo", [("aws_vpc", "vpc", {"id": "vpc-1"})])

    result = teardown("run", "confluent", "--auto-approve")

    assert result.code == 1
    assert terraform.calls() == []
    assert blockers(result.snapshot("teardown-contract")) == {("destroy-order", CONFIG.state_key("demo"))}


def test_demo_after_confluent_is_gone_names_the_manual_switch(account, terraform, teardown):
    account.client("s3", region_name=REGION).delete_object(Bucket=BUCKET, Key=CONFIG.state_key("confluent"))

    result = teardown("plan", "demo")

    assert result.code == 1
    assert terraform.calls() == []
    contract = result.snapshot("teardown-contract")
    assert blockers(contract) == {("destroy-order", "data.terraform_remote_state.confluent_state")}
    assert 'demo.confluent_source = "manual"' in contract["blockers"][0]["message"]


def test_without_a_terminal_to_confirm_on_nothing_is_destroyed(account, terraform, teardown):
    result = teardown("run", "demo")

    assert result.code == 2
    assert "--auto-approve" in result.stderr and "Traceback" not in result.stderr
    assert [call[0] for call in terraform.calls()] == ["init", "plan", "show"]
    assert not result.has_snapshot("teardown")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("typed", "applied"), [("demo\n", True), ("core\n", False)])
def test_typing_the_stack_name_confirms(account, terraform, teardown, monkeypatch, typed, applied):
    monkeypatch.setattr(sys, "stdin", _Terminal(typed))

    result = teardown("run", "demo")

    assert result.code == (0 if applied else 2), result.stderr
    assert ("apply" in [call[0] for call in terraform.calls()]) is applied


def test_no_answer_at_the_prompt_destroys_nothing(account, terraform, teardown, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Terminal(""))  # end of input at the prompt

    result = teardown("run", "demo")

    assert result.code == 2
    assert result.stderr.strip().splitlines()[-1] == "error: no confirmation given; nothing was destroyed"
    assert "apply" not in [call[0] for call in terraform.calls()]


def test_a_missing_terraform_binary_is_a_tooling_failure(account, terraform, teardown, tmp_path):
    config = tmp_path / "platform.toml"
    config.write_text(CONFIG_FILE.read_text().replace('terraform = "terraform"', 'terraform = "no-such-terraform"'))

    result = teardown("plan", "demo", config=config)

    assert result.code == 3
    progress, error = result.stderr.strip().splitlines()
    assert progress == "step: preflight", "the step that stopped, then one line saying why"
    assert error.startswith("error: no-such-terraform not found on PATH")


def test_a_contract_that_should_be_published_and_cannot_be_destroys_nothing(account, terraform, teardown, monkeypatch):
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", "1")
    account.client("s3", region_name=REGION).delete_bucket(Bucket=CONFIG.evidence.bucket)

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 3
    assert "warning: evidence not published" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: the contract snapshot could not be published; nothing was destroyed"
    assert "apply" not in [call[0] for call in terraform.calls()]


def test_a_published_contract_lands_in_the_evidence_bucket(account, terraform, teardown, monkeypatch):
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", "1")

    result = teardown("plan", "demo")

    assert result.code == 0, result.stderr
    keys = [o["Key"] for o in account.client("s3", region_name=REGION).list_objects_v2(Bucket=CONFIG.evidence.bucket)["Contents"]]
    assert "evidence/dev_min/teardown-contract/td-1/teardown-contract_snapshot.json" in keys

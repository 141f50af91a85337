"""The deploy's safety classes (issue 11): exit 0 only for a plan applied and checked
live, a failed or interrupted apply recorded (`deploy-apply`), terraform's output
scrubbed. The fake terraform on PATH, moto over HTTP."""

from __future__ import annotations

import pytest

from tests.support.operator_env import RUN_ID, put_state, waiving_policy
from tests.support.plans import CONFIG, create_plan, state_of

STATE_BUCKET_ARN = f"arn:aws:s3:::{CONFIG.backend.state_bucket}"


@pytest.fixture
def core_plan(stacks) -> dict:
    return create_plan(stacks["core"], "core")


def blockers(snapshot: dict) -> set[tuple[str, str]]:
    return {(b["code"], b["subject"]) for b in snapshot["blockers"]}


def test_waived_readiness_blockers_do_not_end_the_deploy_with_a_pass_and_nothing_applied(
    deploy, terraform, account, stacks, tmp_path
):
    put_state(account, "core", [("aws_s3_bucket", "state", {"bucket": CONFIG.backend.state_bucket})])
    tags = stacks["confluent"]["provider"]["aws"][0]["default_tags"][0]["tags"]
    put_state(account, "confluent", [("aws_ssm_parameter", "bootstrap_parameter", {"name": "/b", "tags_all": tags})])
    terraform.plan(create_plan(stacks["confluent"], "confluent"))
    policy = waiving_policy(
        tmp_path,
        *((code, STATE_BUCKET_ARN) for code in ("backend-public-access-open", "backend-unencrypted", "backend-versioning-disabled")),
    )

    run = deploy("confluent", "--auto-approve", policy=policy)

    assert run.code == 0, run.stdout + run.stderr
    assert [call[0] for call in terraform.calls()] == ["init", "plan", "show", "apply"], "exit 0 only once applied"
    assert run.snapshot("deploy-live")["overall_pass"] is True


def test_a_failed_apply_records_what_the_state_holds_and_exits_3(deploy, terraform, ready_backend, core_plan):
    creates = sorted(c["address"] for c in core_plan["resource_changes"] if c["change"]["actions"] == ["create"])
    made = set(creates[:-1])  # all but one, as an apply that failed on its last resource
    terraform.plan(core_plan)
    terraform.apply_fails(1, "Error: creating Budget: AccessDenied\n")
    terraform.state(state_of(core_plan, keep=made))

    run = deploy("core", "--auto-approve")

    assert run.code == 3
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: terraform apply failed (exit 1): Error: creating Budget")
    applied = run.snapshot("deploy-apply")
    assert not applied["overall_pass"]
    assert ("deploy-apply-failed", applied["details"]["plan_file"]) in blockers(applied)
    assert applied["details"]["apply"]["completed"] is False and applied["details"]["apply"]["attempted"] is True
    assert set(applied["details"]["state_resources"]) == made
    assert applied["details"]["created"] == sorted(made) and applied["details"]["not_created"] == creates[-1:]
    assert applied["details"]["plan_file_sha256"] == run.snapshot("deploy-plan")["details"]["plan_file_sha256"]
    assert not run.has_snapshot("deploy-live")


def test_sigterm_during_the_apply_records_it_and_exits_3(terraform, ready_backend, core_plan, operator_process):
    terraform.plan(core_plan)
    terraform.apply_signals_parent("SIGTERM")
    made = {core_plan["resource_changes"][0]["address"]}
    terraform.state(state_of(core_plan, keep=made))

    run = operator_process("deploy", "core", "--auto-approve")

    assert run.code == 3, run.stderr
    assert terraform.interrupts() == [1]
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "interrupted by SIGTERM during `terraform apply`" in errors[0]
    assert "Traceback" not in run.stderr
    applied = run.snapshot("deploy-apply")
    assert applied["details"]["apply"]["interrupted"] == "SIGTERM"
    assert applied["details"]["state_resources"] == sorted(made)
    assert not run.has_snapshot("deploy-live")


def test_secrets_in_terraforms_error_are_scrubbed(deploy, terraform, ready_backend, core_plan, monkeypatch, tmp_path):
    secrets = {
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY2",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLETOKENVALUE9876543210",
        "CONFLUENT_CLOUD_API_SECRET": "confluent-api-secret-fedcba9876543210",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    terraform.plan(core_plan)
    terraform.fails("plan", 1, f"Error: provider said {' and '.join(secrets.values())}\n")

    run = deploy("core", "--auto-approve")

    assert run.code == 3
    log = run.evidence / "dev_min" / "deploy" / RUN_ID / "terraform.log"
    assert run.stderr.strip().splitlines()[-1] == (
        "error: terraform plan failed (exit 1): Error: provider said (redacted) and (redacted) and (redacted)"
        f"; full output: {log}"
    )
    assert "Error: provider said (redacted)" in log.read_text(), "the log is among what is searched below"
    written = "".join(p.read_text() for p in (tmp_path / "runs").rglob("*") if p.is_file())
    for value in secrets.values():
        assert value not in run.stdout + run.stderr + written

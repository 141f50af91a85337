"""What `stackguard deploy` tells the operator: each step on stderr (plain lines in CI, the
time each took at a terminal), the judged plan's changes before anything is applied, and
where terraform's whole output is logged, scrubbed, in the run's evidence."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from tests.support.operator_env import RUN_ID, SHORT_LIVED
from tests.support.plans import create_plan

STEPS = ["preflight", "synth", "init", "plan", "guards", "apply", "verify"]


@pytest.fixture
def core_plan(stacks) -> dict:
    return create_plan(stacks["core"], "core")


def log_of(run):
    return run.evidence / "dev_min" / "deploy" / RUN_ID / "terraform.log"


def test_steps_the_plan_and_the_log_are_on_stderr_before_the_apply(deploy, terraform, ready_backend, core_plan):
    terraform.plan(core_plan)
    secret, key_id = SHORT_LIVED["AWS_SECRET_ACCESS_KEY"], SHORT_LIVED["AWS_ACCESS_KEY_ID"]
    terraform.apply_fails(0, f"aws_dynamodb_table.lock_table: Creation complete (signed with {key_id} {secret})\n")
    run = deploy("core", "--auto-approve")
    assert run.code == 0, run.stdout + run.stderr
    lines = run.stderr.splitlines()
    assert [line.removeprefix("step: ") for line in lines if line.startswith("step: ")] == STEPS
    log = log_of(run)
    assert lines.index(f"terraform output: {log}") == lines.index("step: init") + 1
    head = next(i for i, line in enumerate(lines) if line.startswith("core: the plan has "))
    assert "to create" in lines[head] and head < lines.index("step: apply")
    assert "    + create  aws_dynamodb_table.lock_table" in lines[head + 1:lines.index("step: apply")]
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    text = log.read_text()
    assert [line.split(" $ ")[1].split()[1] for line in text.splitlines() if line.startswith("==> ")] == [
        "init", "plan", "show", "apply",
    ]
    assert "Creation complete (signed with (redacted) (redacted))" in text
    assert secret not in text + run.stderr + run.stdout and key_id not in text


def test_json_stdout_stays_one_document_while_progress_goes_to_stderr(deploy, terraform, ready_backend, core_plan):
    terraform.plan(core_plan)
    run = deploy("core", "--auto-approve", "--format", "json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["lane"] == "deploy-live"
    assert "step: apply" in run.stderr and "step:" not in run.stdout


def test_at_a_terminal_each_step_ends_with_its_elapsed_time(deploy, terraform, ready_backend, core_plan, monkeypatch):
    import stackguard.cli.operate

    screen = Console(file=io.StringIO(), force_terminal=True, width=80, color_system=None)
    monkeypatch.setattr(stackguard.cli.operate, "err", screen)
    terraform.plan(core_plan)
    run = deploy("core", "--auto-approve")
    assert run.code == 0, run.stdout + run.stderr
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.file.getvalue())
    ended = [line for line in re.split(r"[\r\n]", text) if line.startswith("✓")]
    assert [line.split()[1] for line in ended] == STEPS
    assert all(re.fullmatch(r"✓ \w+ +\d+\.\ds", line) for line in ended), ended
    assert "step:" not in text


def test_a_failed_init_names_its_reason_and_the_log_and_the_log_is_never_reused(deploy, terraform, ready_backend):
    terraform.fails("init", 1, (
        "\nError: Failed to query available provider packages\n\nCould not retrieve the list of available "
        "versions for provider hashicorp/aws:\nno available releases match the given constraints 6.25.0\n"
    ))
    run = deploy("core", "--auto-approve")
    assert run.code == 3
    log = log_of(run)
    assert run.stderr.splitlines()[-1] == (
        "error: terraform init failed (exit 1): Error: Failed to query available provider packages: Could not "
        "retrieve the list of available versions for provider hashicorp/aws: no available releases match the "
        f"given constraints 6.25.0; full output: {log}"
    )
    before = log.read_text()
    again = deploy("core", "--auto-approve")
    assert again.code == 2 and again.stderr.splitlines()[-1] == (
        f"error: {log}: a terraform log for this run already exists; use another --run-id"
    )
    assert log.read_text() == before and [call[0] for call in terraform.calls()] == ["init"]

"""How `deploy` and `teardown plan|run` end: exit 0 only when the reviewed plan was applied
and verified (or, for `teardown plan`, judged and holding); every lane that stopped
early or applied without verifying ends non-zero. Driven with stand-in lanes."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from foundation.errors import ExitCode, StackguardError
from guards.findings import fail, passed
from guards.policy import load_policy
from stackguard.cli.emit import Reporting
from stackguard.cli.operate import operate
from stackguard.lanes.operator import (
    Applied,
    Gathered,
    Judged,
    Operation,
    SavedPlan,
    build_snapshot,
)
from stackguard.terraform import Terraform
from tests.support.operator_env import POLICY_FILE

POLICY = load_policy(POLICY_FILE)
CLEAN = passed("destroy-out-of-scope", "demo", "demo", "the target is allowed")
BLOCKER = fail("destroy-out-of-scope", "core", "core", "core is persistent")


def snapshot(*findings):
    return build_snapshot("teardown-contract", "op-1", POLICY, Gathered(findings=list(findings)))


def judged(tmp_path: Path, *findings, planned: bool = True) -> Judged:
    saved = None
    if planned:
        terraform = Terraform("terraform", tmp_path, {})
        saved = SavedPlan(terraform, tmp_path / "p.tfplan", tmp_path / "private" / "p.tfplan", "0" * 64, b"{}")
    return Judged(snapshot(*findings), tmp_path / "judged.json", None, saved)


def run(operation: Operation) -> int:
    try:
        operate(operation, Reporting(), auto_approve=True)
    except typer.Exit as exited:
        return exited.exit_code
    except StackguardError as refused:
        return refused.code
    raise AssertionError("operate always ends the command")


def lane(judgement: Judged, applied: Applied | None = None, *, applies: bool = True) -> Operation:
    def apply(j: Judged) -> Applied:
        assert applied is not None, "a lane that stopped is never applied"
        return applied

    return Operation("demo", lambda private: judgement, apply if applies else None, "the contract snapshot", "destroy", "destroyed")


@pytest.mark.parametrize("applies", [True, False], ids=["run", "plan"])
def test_a_judgement_without_blockers_but_without_a_plan_is_never_a_pass(tmp_path, applies):
    assert run(lane(judged(tmp_path, CLEAN, planned=False), applies=applies)) == ExitCode.ENVIRONMENT


def test_a_judge_only_lane_passes_when_its_plan_holds_and_blocks_when_not(tmp_path):
    assert run(lane(judged(tmp_path, CLEAN), applies=False)) == ExitCode.PASS
    assert run(lane(judged(tmp_path, BLOCKER), applies=False)) == ExitCode.BLOCKERS
    assert run(lane(judged(tmp_path, BLOCKER, planned=False), applies=True)) == ExitCode.BLOCKERS


@pytest.mark.parametrize(
    ("applied", "code"),
    [
        (dict(verified=True), ExitCode.PASS),
        (dict(verified=True, findings=(BLOCKER,)), ExitCode.BLOCKERS),
        (dict(verified=False), ExitCode.ENVIRONMENT),
        (dict(verified=False, failure="terraform apply failed (exit 1): Error: x"), ExitCode.ENVIRONMENT),
        (dict(verified=True, failure="interrupted by SIGTERM during `terraform apply`"), ExitCode.ENVIRONMENT),
    ],
    ids=["verified", "verified-blockers", "not-verified", "failed", "interrupted"],
)
def test_a_lane_that_applied_passes_only_when_the_apply_completed_and_was_verified(tmp_path, applied, code):
    findings = applied.pop("findings", (CLEAN,))
    result = Applied(snapshot(*findings), tmp_path / "after.json", **applied)
    assert run(lane(judged(tmp_path, CLEAN), result)) == code

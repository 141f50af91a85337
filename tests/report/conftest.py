"""Snapshots built by hand: every status, waived and unwaived, long subjects and awkward text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from evidence.snapshot import Snapshot
from guards.findings import Finding, Status

STARTED = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
SYNTH_DOCUMENT = "cdktf.out/stacks/demo/cdk.tf.json"
PLAN_DOCUMENT = "plans/demo.plan.json"
# Longer than any terminal column would give it, and without a space to wrap at.
LONG_SUBJECT = (
    'module.network.module.endpoints.aws_vpc_endpoint.interface["com.amazonaws.eu-central-1.'
    'secretsmanager"]'
)
BUDGET_ARN = "arn:aws:budgets::123456789012:budget/platform-dev-monthly"
# Put into snapshot fields that are not findings: no renderer but json may print them.
NOT_A_FINDING = "sentinel-outside-findings-7f3a"


def make_snapshot(findings: list[Finding], **overrides: Any) -> Snapshot:
    fields: dict[str, Any] = {
        "lane": "synth",
        "run_id": "run-42",
        "environment": "dev",
        "started_at": STARTED,
        "finished_at": STARTED + dt.timedelta(seconds=3, milliseconds=250),
        "policy_digest": "sha256:" + "a" * 64,
        # Inserted out of sorted order on purpose: the SARIF fallback takes the sorted first.
        "input_digests": {
            PLAN_DOCUMENT: "sha256:" + "b" * 64,
            SYNTH_DOCUMENT: "sha256:" + "c" * 64,
        },
        "tool_version": "0.1.0",
        "git_sha": "0123456789abcdef0123456789abcdef01234567",
        "findings": findings,
        "details": {"note": NOT_A_FINDING},
    }
    fields.update(overrides)
    return Snapshot(**fields)


MIXED_FINDINGS = [
    Finding(
        code="forbidden-nat-gateway",
        status=Status.PASS,
        subject="aws_vpc.core_passing_subject",
        stack="core",
        message="no NAT gateway",
    ),
    Finding(
        code="backend-lock-missing",
        status=Status.PASS,
        subject="terraform.backend.s3",
        stack="core",
        message="lock table configured",
    ),
    Finding(
        code="forbidden-nat-gateway",
        status=Status.FAIL,
        subject=LONG_SUBJECT,
        stack="demo",
        message="NAT gateways | cost money\nevery hour",
        document=SYNTH_DOCUMENT,
    ),
    Finding(
        code="unknown-count",
        status=Status.UNKNOWN,
        subject="module.app.aws_instance.worker",
        stack="demo",
        message="count is known only after apply",
    ),
    Finding(
        code="budget-missing",
        status=Status.ERROR,
        subject=BUDGET_ARN,
        stack=None,
        message="AccessDenied from budgets:DescribeBudgets",
    ),
    Finding(
        code="always-on-fleet",
        status=Status.FAIL,
        subject="aws_ecs_service.app",
        stack="demo",
        message="desired_count is 1",
        waiver="workshop week, torn down on Friday",
    ),
    Finding(
        code="unknown-count",
        status=Status.UNKNOWN,
        subject="module.batch.aws_instance.spot",
        stack="demo",
        message="count is known only after apply",
        waiver="spot pool sized by the scheduler",
        document=PLAN_DOCUMENT,
    ),
]
BLOCKER_SUBJECTS = {LONG_SUBJECT, "module.app.aws_instance.worker", BUDGET_ARN}
WAIVED_SUBJECTS = {"aws_ecs_service.app", "module.batch.aws_instance.spot"}
PASS_SUBJECTS = {"aws_vpc.core_passing_subject", "terraform.backend.s3"}


@pytest.fixture
def mixed_snapshot() -> Snapshot:
    return make_snapshot(MIXED_FINDINGS)


@pytest.fixture
def passing_snapshot() -> Snapshot:
    return make_snapshot([f for f in MIXED_FINDINGS if f.status is Status.PASS])

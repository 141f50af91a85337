"""ci-role-type-uncovered: the CI roles can manage every type the ephemeral stacks declare."""

from __future__ import annotations

import copy
import datetime as dt

from guards.documents import parse_document_bytes
from guards.engine import evaluate
from guards.findings import Status
from guards.policy import load_policy
from tests.conftest import REPO_ROOT

POLICY = load_policy(REPO_ROOT / "policy.toml")


def judged(stack: dict, name: str) -> list:
    import json

    inventory = parse_document_bytes(json.dumps(stack).encode(), f"{name}/cdk.tf.json", stack=name, expect="synth")
    findings, _ = evaluate(inventory, POLICY, today=dt.date.today())
    return [f for f in findings if f.code == "ci-role-type-uncovered"]


def test_the_shipped_stacks_are_covered(stacks):
    for name in ("confluent", "demo"):
        [finding] = judged(stacks[name], name)
        assert finding.status is Status.PASS


def test_a_type_the_table_lacks_is_named(stacks):
    demo = copy.deepcopy(stacks["demo"])
    demo["resource"]["aws_sqs_queue"] = {"jobs": {"name": "jobs"}}
    findings = judged(demo, "demo")
    assert [(f.status, f.subject) for f in findings] == [(Status.FAIL, "aws_sqs_queue.jobs")]


def test_a_forbidden_type_is_left_to_its_own_code(stacks):
    demo = copy.deepcopy(stacks["demo"])
    demo["resource"]["aws_nat_gateway"] = {"sneaky": {"subnet_id": "subnet-1"}}
    assert all(f.status is Status.PASS for f in judged(demo, "demo"))


def test_persistent_stacks_are_not_the_ci_roles_business(stacks):
    core = copy.deepcopy(stacks["core"])
    core["resource"]["aws_sqs_queue"] = {"x": {"name": "x"}}
    assert all(f.status is Status.PASS for f in judged(core, "core"))

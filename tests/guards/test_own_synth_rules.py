"""Rules on mutations of this project's own synth: the clean output passes, and each
mutation fails with exactly the subjects it introduced."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from guards.documents import load_synth
from guards.engine import evaluate
from guards.findings import BLOCKING
from guards.rules.tags import taggable_types

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def judge(stacks, policy, tmp_path):
    """Write (possibly mutated) stacks as a cdktf.out and return the blocking (code, subject)s."""

    def run(mutate=lambda stacks: None) -> set[tuple[str, str]]:
        mutated = copy.deepcopy(stacks)
        mutate(mutated)
        for name, document in mutated.items():
            path = tmp_path / "cdktf.out" / "stacks" / name / "cdk.tf.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document))
        findings, _ = evaluate(load_synth(tmp_path / "cdktf.out"), policy, today=TODAY)
        return {(f.code, f.subject) for f in findings if f.status in BLOCKING}

    return run


def add(stack: dict, resource_type: str, name: str, body: dict) -> None:
    stack.setdefault("resource", {}).setdefault(resource_type, {})[name] = body


def budget(stacks: dict) -> dict:
    return stacks["core"]["resource"]["aws_budgets_budget"]["monthly_budget"]


def stop_action(stacks: dict) -> dict:
    return stacks["core"]["resource"]["aws_budgets_budget_action"]["budget_stop_action"]


def test_our_stacks_pass_every_rule(judge):
    assert judge() == set()


def test_nat_gateways_by_count_give_one_finding_each(judge):
    found = judge(lambda s: add(s["demo"], "aws_nat_gateway", "extra", {"count": 3, "subnet_id": "x", "allocation_id": "y"}))
    assert found == {("forbidden-nat-gateway", f"aws_nat_gateway.extra[{i}]") for i in range(3)}


def test_token_count_is_unknown_and_zero_count_is_none(judge):
    assert judge(lambda s: add(s["demo"], "aws_nat_gateway", "maybe", {"count": "${var.n}"})) == {
        ("unknown-count", "aws_nat_gateway.maybe")
    }
    assert judge(lambda s: add(s["demo"], "aws_nat_gateway", "none", {"count": 0})) == set()


def test_load_balancers_by_for_each_are_named_by_key(judge):
    found = judge(lambda s: add(s["demo"], "aws_lb", "web", {"for_each": {"a.b": 1, "c": 2}}))
    assert found == {("forbidden-load-balancer", 'aws_lb.web["a.b"]'), ("forbidden-load-balancer", 'aws_lb.web["c"]')}


def test_always_on_service_in_the_persistent_stack(judge):
    service = {"name": "svc", "desired_count": 1, "launch_type": "FARGATE"}
    assert judge(lambda s: add(s["core"], "aws_ecs_service", "svc", service)) == {
        ("always-on-fleet", "aws_ecs_service.svc"),
        # no task definition, so its size and cost are unknown: the always-on estimate is a lower bound
        ("always-on-estimate-over-stop", "estimate:always-on"),
    }


def test_remote_module_is_unverifiable(judge):
    def mutate(stacks):
        stacks["demo"]["module"] = {"legacy": {"source": "git::https://example.com/legacy.git"}}

    assert judge(mutate) == {("unverifiable-module", "module.legacy")}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: budget(s).update(limit_amount="30.0"), set()),
        (lambda s: budget(s).update(limit_amount="31"), {"budget-cap-mismatch"}),
        (lambda s: budget(s)["notification"].pop(), {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        (lambda s: budget(s)["notification"].reverse(), set()),
        (
            lambda s: budget(s)["notification"][0].update(subscriber_email_addresses=[], subscriber_sns_topic_arns=[]),
            {"budget-subscriber-missing"},
        ),
        # the stop action's budget is gone with it
        (lambda s: s["core"]["resource"].pop("aws_budgets_budget"), {"budget-missing", "budget-stop-action-missing"}),
        (lambda s: s["core"]["resource"].pop("aws_budgets_budget_action"), {"budget-stop-action-missing"}),
        (lambda s: stop_action(s).update(approval_model="MANUAL"), {"budget-stop-action-mismatch"}),
        (lambda s: stop_action(s)["definition"]["iam_action_definition"].update(roles=["${aws_iam_role.ci_teardown_role.name}"]), {"budget-stop-action-mismatch"}),
        (lambda s: s["core"]["resource"]["aws_iam_policy"]["budget_stop_deny"].update(policy='{"Statement": []}'), {"budget-stop-action-mismatch"}),
        # budgets that look right and never protect
        (lambda s: budget(s)["notification"][-1].update(comparison_operator="EQUAL_TO"), {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        (lambda s: budget(s).update(cost_filter=[{"name": "Service", "values": ["Amazon Relational Database Service"]}]), {"budget-scope-narrowed"}),
        (lambda s: budget(s).pop("cost_types"), {"budget-cost-types-unsafe"}),
        (lambda s: budget(s).update(planned_limit=[{"start_time": "2026-01-01_00:00", "amount": "3000", "unit": "USD"}]), {"budget-cap-mismatch"}),
        (lambda s: budget(s).update(time_period_end="2026-01-01_00:00"), {"budget-inactive"}),
        (lambda s: budget(s).update(auto_adjust_data={"auto_adjust_type": "FORECAST"}), {"budget-cap-mismatch"}),
        (lambda s: budget(s).update(spend_ceiling={"mode": "soft"}), {"budget-field-unknown"}),
    ],
)
def test_budget_mutations(judge, mutate, expected):
    assert {code for code, _ in judge(mutate)} == expected


def test_backend_mutations(judge):
    def share_key(stacks):
        stacks["demo"]["terraform"]["backend"]["s3"]["key"] = "dev_min/core/terraform.tfstate"

    assert judge(share_key) == {
        ("backend-key-mismatch", "demo:terraform.backend"),
        ("backend-key-overlap", "demo:terraform.backend"),
    }

    def drop_lockfile(stacks):
        del stacks["confluent"]["terraform"]["backend"]["s3"]["use_lockfile"]

    assert judge(drop_lockfile) == {("backend-lockfile-missing", "confluent:terraform.backend")}


def test_without_default_tags_every_taggable_demo_resource_fails(judge, stacks):
    def drop_tags(stacks):
        del stacks["demo"]["provider"]["aws"][0]["default_tags"]

    expected = {
        ("lifecycle-tag-missing", f"{resource_type}.{name}")
        for resource_type, resources in stacks["demo"]["resource"].items()
        if resource_type in taggable_types()
        for name in resources
    }
    assert judge(drop_tags) == expected
    assert ("lifecycle-tag-missing", "aws_vpc.vpc") in expected


def test_the_old_sg_prefix_fails_exactly_the_security_groups(judge):
    """`name_prefix = "sg-devmin"` could not be deployed: AWS refuses security group names
    starting `sg-`; every other name it made is one AWS accepts."""

    def old_prefix(stacks):
        for name, document in stacks.items():
            text = json.dumps(document).replace('"devmin-', '"sg-devmin-')
            stacks[name] = json.loads(text.replace("/devmin-", "/sg-devmin-").replace('"/devmin/', '"/sg-devmin/'))

    assert judge(old_prefix) == {
        # and the renamed deploy role is not the policy's stop role any more
        ("budget-stop-action-mismatch", "aws_budgets_budget_action.budget_stop_action"),
        ("invalid-resource-name", "aws_security_group.services_sg"),
        ("invalid-resource-name", "aws_security_group.database_sg"),
    }


def test_a_refused_bucket_name_is_found_in_our_synth(judge):
    def capitals(stacks):
        stacks["core"]["resource"]["aws_s3_bucket"]["evidence_bucket"]["bucket"] = "Evidence_Bucket"

    assert judge(capitals) == {("invalid-resource-name", "aws_s3_bucket.evidence_bucket")}

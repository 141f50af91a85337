"""The budget's stop action: present, and each way it would not stop creating is a FAIL."""

from __future__ import annotations

import json

import pytest

from foundation.iam_table import create_actions
from guards.findings import Status
from guards.inventory import Inventory
from guards.rules.budget_action import budget_stop_action, undenied_creates
from tests.guards.rules.conftest import codes, failing, resource

ACTION = "aws_budgets_budget_action.stop"
MISSING = "budget-stop-action-missing"
MISMATCH = "budget-stop-action-mismatch"
DENY_ALL_CREATES = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": create_actions(), "Resource": "*"}]}
)


def action_values(**overrides):
    """As core synthesizes it: references to the budget, role and policy of the stack."""
    values = {
        "budget_name": "${aws_budgets_budget.monthly.name}",
        "action_type": "APPLY_IAM_POLICY",
        "approval_model": "AUTOMATIC",
        "notification_type": "ACTUAL",
        "execution_role_arn": "${aws_iam_role.executor.arn}",
        "action_threshold": {"action_threshold_type": "ABSOLUTE_VALUE", "action_threshold_value": 28},
        "definition": {
            "iam_action_definition": {
                "policy_arn": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/stop-deny",
                "roles": ["${aws_iam_role.deploy.name}"],
            }
        },
        "subscriber": [{"address": "ops@example.com", "subscription_type": "EMAIL"}],
    }
    return values | overrides


def inventory(values=None, *, policy_document=DENY_ALL_CREATES, role_name="devmin-core-ci-deploy", extra=()):
    resources = [
        resource("aws_budgets_budget", "monthly", stack="core", values={"name": "sg-devmin-monthly"}),
        resource("aws_iam_role", "deploy", stack="core", values={"name": role_name}),
        resource("aws_iam_policy", "deny", stack="core", values={"name": "stop-deny", "policy": policy_document}),
        *extra,
    ]
    if values is not None:
        resources.append(resource("aws_budgets_budget_action", "stop", stack="core", values=values))
    return Inventory(resources=resources, stacks=["core"])


def test_the_synthesized_shape_passes(policy):
    findings = budget_stop_action(inventory(action_values()), policy)
    assert codes(findings) == set()
    assert {f.code for f in findings} == {MISSING, MISMATCH}


def test_a_plan_with_every_value_known_passes(policy):
    values = action_values(budget_name="sg-devmin-monthly")
    values["definition"] = [{"iam_action_definition": [{
        "policy_arn": "arn:aws:iam::123456789012:policy/stop-deny", "roles": ["devmin-core-ci-deploy"],
    }]}]
    values["action_threshold"] = [{"action_threshold_type": "ABSOLUTE_VALUE", "action_threshold_value": 28.0}]
    assert codes(budget_stop_action(inventory(values), policy)) == set()


def test_no_action_is_missing(policy):
    findings = budget_stop_action(inventory(None), policy)
    assert failing(findings) == {"aws_budgets_budget_action (budget 'sg-devmin-monthly')"}
    assert codes(findings) == {MISSING}


def test_an_action_on_another_budget_does_not_count(policy):
    findings = budget_stop_action(inventory(action_values(budget_name="other")), policy)
    assert codes(findings) == {MISSING}


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"action_type": "RUN_SSM_DOCUMENTS"}, "action_type is 'RUN_SSM_DOCUMENTS'"),
        ({"approval_model": "MANUAL"}, "approval_model is 'MANUAL'"),
        ({"notification_type": "FORECASTED"}, "notification_type is 'FORECASTED'"),
        ({"action_threshold": {"action_threshold_type": "ABSOLUTE_VALUE", "action_threshold_value": 20}}, "acts at 20"),
        ({"action_threshold": {"action_threshold_type": "PERCENTAGE", "action_threshold_value": 100}}, "acts at 30"),
        ({"action_threshold": {"action_threshold_type": "FRACTION", "action_threshold_value": 1}}, "unreadable threshold"),
        ({"definition": {"iam_action_definition": {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "roles": ["${aws_iam_role.deploy.name}"]}}}, "not a policy of stack"),
        ({"definition": {"iam_action_definition": {"policy_arn": "${aws_iam_policy.deny.arn}", "roles": ["devmin-core-ci-teardown"]}}}, "does not fence devmin-core-ci-deploy"),
        ({"definition": {"scp_action_definition": {"policy_id": "p-1", "target_ids": ["1"]}}}, "definition.scp_action_definition"),
        ({"shiny_new_field": True}, "sets shiny_new_field, which the rule does not know"),
    ],
)
def test_each_way_not_to_stop_fails(policy, overrides, said):
    findings = budget_stop_action(inventory(action_values(**overrides)), policy)
    (found,) = [f for f in findings if f.status is not Status.PASS]
    assert (found.code, found.status, found.subject) == (MISMATCH, Status.FAIL, ACTION)
    assert said in found.message


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": create_actions(), "Resource": "*"},
        {"Effect": "Deny", "Action": create_actions(), "Resource": "arn:aws:ec2:*:*:vpc/*"},
        {"Effect": "Deny", "Action": create_actions(), "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}},
        {"Effect": "Deny", "Action": ["ec2:Create*"], "Resource": "*"},
    ],
)
def test_a_policy_that_still_lets_something_be_created_fails(policy, statement):
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    findings = budget_stop_action(inventory(action_values(), policy_document=document), policy)
    assert failing(findings, MISMATCH) == {ACTION}
    assert "aws_iam_policy.deny does not deny" in next(f.message for f in findings if f.code == MISMATCH)


def test_wildcards_cover_the_creates_they_match():
    document = json.dumps({"Statement": {"Effect": "Deny", "Action": "*", "Resource": ["*"]}})
    assert undenied_creates(document) == []
    services = sorted({a.split(":")[0] for a in create_actions()})
    by_service = json.dumps({"Statement": [{"Effect": "Deny", "Action": [f"{s}:*" for s in services], "Resource": "*"}]})
    assert undenied_creates(by_service) == []


def test_what_is_known_only_after_apply_is_unknown(policy):
    values = action_values(approval_model="${var.approval}")
    findings = budget_stop_action(inventory(values), policy)
    assert [(f.code, f.status) for f in findings if f.status is not Status.PASS] == [(MISMATCH, Status.UNKNOWN)]
    unnamed = budget_stop_action(inventory(action_values(budget_name="${var.name}")), policy)
    assert [(f.code, f.status) for f in unnamed] == [(MISSING, Status.UNKNOWN)]


def test_a_policy_without_stop_roles_cannot_pass(policy):
    loose = policy.model_copy(update={"budget": policy.budget.model_copy(update={"stop_roles": []})})
    findings = budget_stop_action(inventory(action_values()), loose)
    assert "names no stop_roles" in next(f.message for f in findings if f.status is Status.FAIL)


def test_other_stacks_and_the_live_view_are_not_judged(policy):
    assert budget_stop_action(Inventory(stacks=["demo"]), policy) == []

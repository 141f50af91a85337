"""The CI roles and task roles are as narrow as the issue promises, read from the
synthesized core JSON (the policy documents cdktf writes inline)."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import pytest

from foundation.iam_table import create_actions, iam_table
from guards.catalog import ci_reads, live_iam

OIDC = "token.actions.githubusercontent.com"
LANES = ("guard", "deploy", "teardown")


def document(stack: dict, rtype: str, name: str, field: str = "policy") -> list[dict]:
    statements = json.loads(stack["resource"][rtype][name][field])["Statement"]
    return statements if isinstance(statements, list) else [statements]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def granted(statements: list[dict], *, effect: str = "Allow") -> list[tuple[str, str, str]]:
    """(action, resource, condition as JSON) for each allowed pair."""
    return [
        (action, resource, json.dumps(s.get("Condition"), sort_keys=True))
        for s in statements if s["Effect"] == effect
        for action in as_list(s["Action"]) for resource in as_list(s["Resource"])
    ]


def role_policy(stacks, lane: str) -> list[dict]:
    policies = stacks["core"]["resource"]["aws_iam_role_policy"]
    return [s for name in (f"ci_{lane}_read", f"ci_{lane}_manage") if name in policies for s in document(stacks["core"], "aws_iam_role_policy", name)]


@pytest.mark.parametrize("lane", LANES)
def test_each_ci_role_trusts_only_the_configured_repository(stacks, lane):
    (trust,) = document(stacks["core"], "aws_iam_role", f"ci_{lane}_role", "assume_role_policy")
    assert trust["Action"] == ["sts:AssumeRoleWithWebIdentity"]
    assert trust["Principal"] == {"Federated": "${aws_iam_openid_connect_provider.github_oidc.arn}"}
    assert trust["Condition"]["StringEquals"] == {f"{OIDC}:aud": "sts.amazonaws.com"}
    environments = ["repo:example-org/dev-platform:environment:dev_min"]
    refs = ["repo:example-org/dev-platform:ref:refs/heads/main"] if lane == "guard" else []
    watch = ["repo:example-org/dev-platform:environment:dev_min-watch"] if lane == "guard" else []
    assert trust["Condition"]["StringLike"] == {f"{OIDC}:sub": refs + environments + watch}


def test_the_guard_reads_what_check_live_needs_and_writes_only_its_probe(stacks, platform_config):
    pairs = granted(role_policy(stacks, "guard"))
    assert {action for action, _, _ in pairs} == set(live_iam())
    writes = {(a, c) for a, _, c in pairs if a in ("dynamodb:PutItem", "dynamodb:DeleteItem")}
    assert writes == {(a, '{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["stackguard-lock-probe/*"]}}') for a in ("dynamodb:PutItem", "dynamodb:DeleteItem")}
    assert not [a for a, _, _ in pairs if a.split(":")[1].startswith(("Create", "Delete", "Put", "Update", "Modify")) and a not in ("dynamodb:PutItem", "dynamodb:DeleteItem")]


@pytest.mark.parametrize("lane", ["deploy", "teardown"])
def test_state_objects_and_lock_items_are_only_their_stacks(stacks, platform_config, lane):
    bucket, key = platform_config.backend.state_bucket, platform_config.state_key
    pairs = granted(role_policy(stacks, lane))
    objects = {(a, r) for a, r, _ in pairs if a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject") and platform_config.evidence.bucket not in r}
    own = [f"arn:aws:s3:::{bucket}/{key(s)}{suffix}" for s in ("confluent", "demo") for suffix in ("", ".tflock")]
    assert objects == {(a, r) for a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject") for r in own} | {
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/{key('core')}")  # the deploy order gate reads core's, only reads
    }
    items = {c for a, _, c in pairs if a in ("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem")}
    leading = {k for c in items for k in json.loads(c)["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]}
    assert leading == {f"{bucket}/{key(s)}{m}" for s in ("confluent", "demo") for m in ("", "-md5")} | {"stackguard-lock-probe/*"}


@pytest.mark.parametrize("lane", ["deploy", "teardown"])
def test_tagged_writes_act_only_on_their_stacks_resources(stacks, lane):
    for statement in role_policy(stacks, lane):
        if statement["Effect"] != "Allow" or statement["Resource"] != "*":
            continue
        condition = statement.get("Condition")
        if condition is None:  # reads, and what the table says takes no tag condition
            continue
        ((key, stack),) = condition["StringEquals"].items()
        assert key in ("aws:RequestTag/stack", "aws:ResourceTag/stack") and stack in ("confluent", "demo")
    writes = {a for s in role_policy(stacks, lane) if s["Effect"] == "Allow" and "Condition" not in s and s["Resource"] == "*" for a in s["Action"]}
    untaggable = {a for e in iam_table().values() if e.tags == "none" for a in e.actions(("create", "update", "delete"))}
    reads = {a for e in iam_table().values() for a in e.read} | set(ci_reads()[lane])
    assert writes <= reads | untaggable, "an unconditioned write the table does not call untaggable"


def test_the_teardown_role_cannot_touch_the_preserve_set(stacks, platform_config):
    denied = granted(role_policy(stacks, "teardown"), effect="Deny")
    assert {c for _, _, c in denied} == {"null"}, "the wall is unconditional"

    def refused(action: str, resource: str) -> bool:
        return any(fnmatchcase(action, a) and fnmatchcase(resource, r) for a, r, _ in denied)

    state, evidence = platform_config.backend.state_bucket, platform_config.evidence.bucket
    for bucket in (state, evidence):
        for action in ("s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:DeleteBucketPolicy"):
            assert refused(action, f"arn:aws:s3:::{bucket}")
    assert refused("dynamodb:DeleteTable", f"arn:aws:dynamodb:eu-west-2:123456789012:table/{platform_config.backend.lock_table}")
    budget = f"arn:aws:budgets::123456789012:budget/{platform_config.budget.name}"
    assert refused("budgets:ModifyBudget", budget) and refused("budgets:DeleteBudgetAction", f"{budget}/action/abc")
    for role in [*platform_config.ci_role_names, platform_config.budget_stop_role_name]:
        for action in ("iam:DeleteRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"):
            assert refused(action, f"arn:aws:iam::123456789012:role/{role}")
    assert refused("iam:DeletePolicy", f"arn:aws:iam::123456789012:policy/{platform_config.budget_stop_policy_name}")
    assert refused("iam:DeleteOpenIDConnectProvider", f"arn:aws:iam::123456789012:oidc-provider/{OIDC}")
    # ...and its own work is not refused: state writes, lockfiles, a demo role
    assert not refused("s3:PutObject", f"arn:aws:s3:::{state}/{platform_config.state_key('demo')}")
    assert not refused("s3:DeleteObject", f"arn:aws:s3:::{state}/{platform_config.state_key('demo')}.tflock")
    assert not refused("iam:DeleteRole", "arn:aws:iam::123456789012:role/devmin-demo-api-task")


def test_the_budget_stop_fences_the_deploy_role_with_a_deny_of_every_create(stacks, platform_config):
    core = stacks["core"]["resource"]
    action = core["aws_budgets_budget_action"]["budget_stop_action"]
    assert (action["action_type"], action["approval_model"], action["notification_type"]) == ("APPLY_IAM_POLICY", "AUTOMATIC", "ACTUAL")
    assert action["action_threshold"] == {"action_threshold_type": "ABSOLUTE_VALUE", "action_threshold_value": 28}
    definition = action["definition"]["iam_action_definition"]
    assert definition["roles"] == ["${aws_iam_role.ci_deploy_role.name}"]
    assert definition["policy_arn"].endswith(f":policy/{platform_config.budget_stop_policy_name}")
    (deny,) = document(stacks["core"], "aws_iam_policy", "budget_stop_deny")
    assert deny["Effect"] == "Deny" and deny["Resource"] == "*" and "Condition" not in deny
    assert set(create_actions()) <= set(deny["Action"])
    (trust,) = document(stacks["core"], "aws_iam_role", "budget_stop_role", "assume_role_policy")
    assert trust["Principal"] == {"Service": "budgets.amazonaws.com"}
    (attach,) = document(stacks["core"], "aws_iam_role_policy", "budget_stop_role_attach")
    assert attach["Action"] == ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    assert attach["Resource"] == "${aws_iam_role.ci_deploy_role.arn}"
    assert attach["Condition"]["ArnEquals"]["iam:PolicyARN"] == definition["policy_arn"]


def test_task_role_writes_only_its_own_evidence_prefix(stacks, platform_config):
    policies = stacks["demo"]["resource"]["aws_iam_role_policy"]
    (statement,) = json.loads(policies["service_api_task_evidence"]["policy"])["Statement"]
    assert statement["Action"] == ["s3:PutObject"]
    assert statement["Resource"] == f"arn:aws:s3:::{platform_config.evidence.bucket}/dev_min/demo/api/*"


def test_services_use_images_by_digest_and_configured_counts(stacks, platform_config):
    services = stacks["demo"]["resource"]["aws_ecs_service"]
    for configured in platform_config.demo.services:
        service = services[f"service_{configured.name}"]
        assert service["desired_count"] == configured.desired_count
    for task in stacks["demo"]["resource"]["aws_ecs_task_definition"].values():
        (container,) = json.loads(task["container_definitions"])
        assert "@sha256:" in container["image"]


def test_database_is_small_private_and_keeps_no_password_in_state(stacks, platform_config):
    database = stacks["demo"]["resource"]["aws_db_instance"]["database"]
    assert database["instance_class"] == platform_config.demo.db_instance_class
    assert database["multi_az"] is False
    assert database["publicly_accessible"] is False
    assert database["storage_encrypted"] is True
    assert database["manage_master_user_password"] is True
    assert "password" not in database

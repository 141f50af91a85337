"""Resource names AWS refuses: exact failing subjects on hand-made inventories."""

from __future__ import annotations

from guards.findings import Status
from guards.inventory import Inventory
from guards.rules.names import NAMING, resource_names
from guards.values import SENSITIVE
from tests.guards.rules.conftest import failing, resource

CODE = "invalid-resource-name"


def judge(policy, *resources) -> dict[str, str]:
    """Subject -> message of every FAIL; the rule never reports UNKNOWN or ERROR."""
    findings = resource_names(Inventory(resources=list(resources)), policy)
    assert {f.status for f in findings} <= {Status.PASS, Status.FAIL}
    assert {f.code for f in findings} == {CODE}
    return {f.subject: f.message for f in findings if f.status is Status.FAIL}


def test_each_kind_refuses_its_own_rule_by_its_own_attribute(policy):
    found = judge(
        policy,
        resource("aws_security_group", "sg", values={"name": "sg-web"}),
        resource("aws_s3_bucket", "bucket", values={"bucket": "My_Bucket"}),
        resource("aws_iam_role", "role", values={"name": "r" * 65}),
        resource("aws_iam_policy", "policy", values={"name": "has space"}),
        resource("aws_iam_role_policy", "inline", values={"name": "a/b", "role": "x"}),
        resource("aws_dynamodb_table", "table", values={"name": "ab"}),
        resource("aws_sns_topic", "topic", values={"name": "alerts.fifo"}),
        resource("aws_ecs_cluster", "cluster", values={"name": "a.b"}),
        resource("aws_ecs_service", "service", values={"name": "a b"}),
        resource("aws_ecs_task_definition", "task", values={"family": "a:b"}),
        resource("aws_cloudwatch_log_group", "logs", values={"name": "/ecs/a b"}),
        resource("aws_db_instance", "db", values={"identifier": "My-DB"}),
        resource("aws_db_subnet_group", "subnets", values={"name": "default"}),
        resource("aws_ecr_repository", "repo", values={"name": "Images"}),
        resource("aws_budgets_budget", "budget", values={"name": "a:b"}),
        resource("aws_ssm_parameter", "param", values={"name": "/aws/x"}),
        resource("aws_lb", "lb", values={"name": "internal-web"}),
        resource("aws_alb", "alb", values={"name": "w" * 33}),
        resource("aws_elb", "elb", values={"name": "-web"}),
        resource("aws_lb_target_group", "tg", values={"name": "tg_1"}),
        resource("aws_alb_target_group", "atg", values={"name": "tg-"}),
    )
    assert set(found) == {f"{rtype}.{name}" for rtype, name in [
        ("aws_security_group", "sg"), ("aws_s3_bucket", "bucket"), ("aws_iam_role", "role"),
        ("aws_iam_policy", "policy"), ("aws_iam_role_policy", "inline"), ("aws_dynamodb_table", "table"),
        ("aws_sns_topic", "topic"), ("aws_ecs_cluster", "cluster"), ("aws_ecs_service", "service"),
        ("aws_ecs_task_definition", "task"), ("aws_cloudwatch_log_group", "logs"), ("aws_db_instance", "db"),
        ("aws_db_subnet_group", "subnets"), ("aws_ecr_repository", "repo"), ("aws_budgets_budget", "budget"),
        ("aws_ssm_parameter", "param"), ("aws_lb", "lb"), ("aws_alb", "alb"), ("aws_elb", "elb"),
        ("aws_lb_target_group", "tg"), ("aws_alb_target_group", "atg"),
    ]}
    assert {s.split(".")[0] for s in found} == set(NAMING)
    assert found["aws_security_group.sg"] == (
        "name 'sg-web' starts with 'sg-', which AWS reserves for security group ids"
    )
    assert found["aws_ecs_task_definition.task"].startswith("family 'a:b' holds ':'")
    assert found["aws_db_instance.db"].startswith("identifier 'My-DB' holds 'BDM'")


def test_valid_names_pass_and_are_counted(policy):
    findings = resource_names(
        Inventory(resources=[
            resource("aws_security_group", "sg", values={"name": "web"}),
            resource("aws_s3_bucket", "b", values={"bucket": "logs-1"}),
            resource("aws_vpc", "vpc", values={"tags": {"Name": "sg-anything goes"}}),  # no naming rule
        ]),
        None,
    )
    assert [(f.status, f.subject, f.message) for f in findings] == [
        (Status.PASS, "*", "2 resource names checked")
    ]


def test_tokens_and_values_known_after_apply_are_left_to_aws(policy):
    assert judge(
        policy,
        resource("aws_security_group", "token", source="synth", values={"name": "sg-${var.env}"}),
        resource("aws_security_group", "later", values={"name": "sg-x"}, unknown_values=frozenset({"name"})),
        resource("aws_security_group", "hidden", values={"name": SENSITIVE}, sensitive_paths=frozenset({"name"})),
        resource("aws_s3_bucket", "computed", values={}, unknown_values=frozenset({"bucket"})),
    ) == {}


def test_only_what_is_about_to_be_created_is_judged(policy):
    """An existing name was accepted once (or is a legacy one AWS keeps): it must not block."""
    legacy = {"bucket": "Legacy_Bucket"}
    assert set(judge(
        policy,
        resource("aws_s3_bucket", "created", action="create", values=legacy),
        resource("aws_s3_bucket", "replaced", action="replace", values=legacy),
        resource("aws_s3_bucket", "declared", source="synth", values=legacy),
        resource("aws_s3_bucket", "kept", action="no-op", values=legacy),
        resource("aws_s3_bucket", "updated", action="update", values=legacy),
        resource("aws_s3_bucket", "deleted", action="delete", values=legacy),
        resource("aws_s3_bucket", "state", source="state", values=legacy),
        resource("aws_s3_bucket", "live", source="live", values=legacy),
        resource("aws_s3_bucket", "read", mode="data", action="read", values=legacy),
    )) == {"aws_s3_bucket.created", "aws_s3_bucket.replaced", "aws_s3_bucket.declared"}


def test_prefixes_obey_the_start_rule_and_leave_room_for_the_suffix(policy):
    found = judge(
        policy,
        resource("aws_security_group", "sg_prefix", values={"name_prefix": "sg-web-"}),
        resource("aws_security_group", "ok_prefix", values={"name_prefix": "web-"}),
        resource("aws_s3_bucket", "long_prefix", values={"bucket_prefix": "b" * 38}),
        resource("aws_s3_bucket", "ok_bucket_prefix", values={"bucket_prefix": "logs-"}),
        resource("aws_db_instance", "db_prefix", values={"identifier_prefix": "1db-"}),
        resource("aws_ecs_cluster", "no_prefix_attribute", values={"name": "c", "name_prefix": "sg-"}),
    )
    assert set(found) == {"aws_security_group.sg_prefix", "aws_s3_bucket.long_prefix", "aws_db_instance.db_prefix"}
    assert found["aws_security_group.sg_prefix"].startswith("name_prefix 'sg-web-' makes a name that starts with 'sg-'")


def test_a_name_and_its_prefix_are_both_reported(policy):
    found = judge(policy, resource("aws_iam_role", "both", values={"name": "a b", "name_prefix": "c d"}))
    assert found["aws_iam_role.both"].startswith("name 'a b' holds ' '")
    assert "; name_prefix 'c d' makes a name that holds ' '" in found["aws_iam_role.both"]


def test_empty_names_are_generated_only_where_the_provider_generates_them(policy):
    assert set(judge(
        policy,
        resource("aws_security_group", "generated", values={"name": "", "name_prefix": ""}),
        resource("aws_dynamodb_table", "required", values={"name": ""}),
    )) == {"aws_dynamodb_table.required"}


def test_fifo_topics_follow_their_literal_switch(policy):
    assert set(judge(
        policy,
        resource("aws_sns_topic", "fifo_ok", values={"name": "orders.fifo", "fifo_topic": True}),
        resource("aws_sns_topic", "fifo_bare", values={"name": "orders", "fifo_topic": True}),
        resource("aws_sns_topic", "standard_suffix", values={"name": "orders.fifo", "fifo_topic": False}),
        resource("aws_sns_topic", "unknown_switch", values={"name": "orders.fifo", "fifo_topic": "${var.fifo}"}),
        resource("aws_sns_topic", "prefix", values={"name_prefix": "orders-", "fifo_topic": True}),
    )) == {"aws_sns_topic.fifo_bare", "aws_sns_topic.standard_suffix"}


def test_long_names_are_shortened_in_the_message(policy):
    found = judge(policy, resource("aws_iam_role", "long", values={"name": "r" * 300}))
    message = found["aws_iam_role.long"]
    assert "'" + "r" * 77 + "...'" in message and "r" * 78 not in message
    assert message.endswith("has 300 characters, at most 64 are allowed")


def test_subjects_and_stacks(policy):
    findings = resource_names(
        Inventory(resources=[resource("aws_security_group", "sg", stack="demo", module_path="module.net", index=0, values={"name": "sg-a"})]),
        policy,
    )
    assert failing(findings, CODE) == {"module.net.aws_security_group.sg[0]"}
    assert {f.stack for f in findings if f.status is Status.FAIL} == {"demo"}

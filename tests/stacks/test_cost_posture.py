"""The stacks never rely on NAT gateways, load balancers or fleets, and core caps spend."""

from __future__ import annotations

from decimal import Decimal

FORBIDDEN_TYPES = {
    "aws_nat_gateway",
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_autoscaling_group",
    "aws_eks_node_group",
    "aws_launch_template",
    "aws_launch_configuration",
}


def resources(stack: dict, resource_type: str) -> dict:
    return stack.get("resource", {}).get(resource_type, {})


def test_no_stack_declares_a_forbidden_type_or_a_remote_module(stacks):
    for name, stack in stacks.items():
        declared = set(stack.get("resource", {}))
        assert not declared & FORBIDDEN_TYPES, f"{name}: {sorted(declared & FORBIDDEN_TYPES)}"
        assert "module" not in stack, f"{name} calls a module the synth guard cannot see into"


def test_ecs_services_never_attach_a_load_balancer(stacks):
    for service in resources(stacks["demo"], "aws_ecs_service").values():
        assert "load_balancer" not in service
        assert service["launch_type"] == "FARGATE"


def test_demo_routes_out_through_an_internet_gateway(stacks):
    (table,) = resources(stacks["demo"], "aws_route_table").values()
    (route,) = table["route"]
    assert route["cidr_block"] == "0.0.0.0/0"
    assert route["gateway_id"] == "${aws_internet_gateway.internet_gateway.id}"
    assert route["nat_gateway_id"] is None


def test_budget_has_the_cap_the_ladder_and_subscribers(stacks, platform_config):
    (budget,) = resources(stacks["core"], "aws_budgets_budget").values()
    assert budget["budget_type"] == "COST"
    assert budget["time_unit"] == "MONTHLY"
    assert Decimal(budget["limit_amount"]) == Decimal(30)
    assert budget["limit_unit"] == "USD"
    notifications = budget["notification"]
    assert sorted(n["threshold"] for n in notifications) == [10, 20, 28]
    for notification in notifications:
        assert notification["notification_type"] == "ACTUAL"
        assert notification["threshold_type"] == "ABSOLUTE_VALUE"
        assert notification["comparison_operator"] == "GREATER_THAN"
        assert notification["subscriber_sns_topic_arns"] == ["${aws_sns_topic.alert_topic.arn}"]
        assert notification["subscriber_email_addresses"] == list(platform_config.alert_emails)


def test_alert_topic_lets_budgets_publish_and_mails_the_team(stacks, platform_config):
    core = stacks["core"]
    (policy,) = resources(core, "aws_sns_topic_policy").values()
    assert "budgets.amazonaws.com" in policy["policy"]
    endpoints = {s["endpoint"] for s in resources(core, "aws_sns_topic_subscription").values()}
    assert endpoints == set(platform_config.alert_emails)


def test_state_bucket_lock_table_and_evidence_bucket_refuse_destroy(stacks):
    core = stacks["core"]
    protected = {
        ("aws_s3_bucket", "state_bucket"),
        ("aws_s3_bucket", "evidence_bucket"),
        ("aws_dynamodb_table", "lock_table"),
    }
    for resource_type, name in protected:
        assert resources(core, resource_type)[name]["lifecycle"] == {"prevent_destroy": True}


def test_lock_table_is_what_terraform_expects(stacks, platform_config):
    table = resources(stacks["core"], "aws_dynamodb_table")["lock_table"]
    assert table["name"] == platform_config.backend.lock_table
    assert table["hash_key"] == "LockID"
    assert table["attribute"] == [{"name": "LockID", "type": "S"}]
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"] == {"enabled": True}


def test_buckets_are_versioned_encrypted_private_and_tls_only(stacks):
    core = stacks["core"]
    for bucket in ("state_bucket", "evidence_bucket"):
        versioning = resources(core, "aws_s3_bucket_versioning")[f"{bucket}_versioning"]
        assert versioning["versioning_configuration"]["status"] == "Enabled"
        encryption = resources(core, "aws_s3_bucket_server_side_encryption_configuration")
        rule = encryption[f"{bucket}_encryption"]["rule"][0]
        assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
        block = resources(core, "aws_s3_bucket_public_access_block")[f"{bucket}_public_access_block"]
        assert all(block[key] is True for key in (
            "block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"
        ))
        policy = resources(core, "aws_s3_bucket_policy")[f"{bucket}_tls_only"]["policy"]
        assert '"aws:SecureTransport": "false"' in policy and '"Effect": "Deny"' in policy


def test_published_evidence_is_immutable_for_the_retention_period(stacks, platform_config):
    core = stacks["core"]["resource"]
    assert core["aws_s3_bucket"]["evidence_bucket"]["object_lock_enabled"] is True
    lock = core["aws_s3_bucket_object_lock_configuration"]["evidence_bucket_object_lock"]
    assert lock["bucket"] == "${aws_s3_bucket.evidence_bucket.id}"
    assert lock["rule"]["default_retention"] == {"mode": "GOVERNANCE", "days": platform_config.evidence.retention_days}
    assert "object_lock_enabled" not in core["aws_s3_bucket"]["state_bucket"]

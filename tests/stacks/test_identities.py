"""The CI role and task roles are as narrow as the issue promises."""

from __future__ import annotations

import json


def test_ci_role_trusts_only_the_configured_repository_refs(stacks):
    role = stacks["core"]["resource"]["aws_iam_role"]["ci_role"]
    (trust,) = json.loads(role["assume_role_policy"])["Statement"]
    assert trust["Action"] == ["sts:AssumeRoleWithWebIdentity"]
    condition = trust["Condition"]
    assert condition["StringEquals"] == {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    assert condition["StringLike"] == {
        "token.actions.githubusercontent.com:sub": ["repo:example-org/dev-platform:ref:refs/heads/main"]
    }


def test_ci_role_reaches_only_the_state_bucket_and_lock_table(stacks):
    policy = stacks["core"]["resource"]["aws_iam_role_policy"]["ci_role_state_access"]["policy"]
    resources = set()
    for statement in json.loads(policy)["Statement"]:
        found = statement["Resource"]
        resources |= set(found if isinstance(found, list) else [found])
    assert resources == {
        "${aws_s3_bucket.state_bucket.arn}",
        "${aws_s3_bucket.state_bucket.arn}/*",
        "${aws_dynamodb_table.lock_table.arn}",
    }


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

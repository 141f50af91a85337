"""Lifecycle tags, default tags included."""

from __future__ import annotations

from guards.findings import Status
from guards.inventory import Inventory
from guards.rules.tags import lifecycle_tags, taggable_types
from tests.guards.rules.conftest import failing, resource

DEFAULTS = {"aws": {"default_tags": [{"tags": {"lifecycle": "ephemeral"}}]}}


def test_taggable_types_come_from_the_provider_bindings():
    types = taggable_types()
    assert {"aws_s3_bucket", "aws_vpc", "aws_ecs_service", "aws_budgets_budget"} <= types
    assert not {"aws_s3_bucket_versioning", "aws_route_table_association", "aws_iam_role_policy"} & types


def test_default_tags_count_at_synth_time(policy):
    inventory = Inventory(
        resources=[
            resource("aws_vpc", "tagged_by_default", source="synth"),
            resource("aws_vpc", "overridden", source="synth", values={"tags": {"lifecycle": "persistent"}}),
            resource("aws_s3_bucket_versioning", "untaggable", source="synth"),
        ],
        providers={"demo": DEFAULTS},
    )
    findings = lifecycle_tags(inventory, policy)
    assert failing(findings) == {"aws_vpc.overridden"}


def test_missing_provider_defaults_and_tags(policy):
    inventory = Inventory(resources=[resource("aws_vpc", source="synth")])
    findings = lifecycle_tags(inventory, policy)
    assert [(f.code, f.subject) for f in findings if f.status is Status.FAIL] == [
        ("lifecycle-tag-missing", "aws_vpc.this")
    ]


def test_plans_use_tags_all_and_unknown_blocks(policy):
    inventory = Inventory(
        resources=[
            resource("aws_vpc", "good", values={"tags_all": {"lifecycle": "ephemeral"}}),
            resource("aws_vpc", "wrong", stack="core", values={"tags_all": {"lifecycle": "ephemeral"}}),
            resource("aws_vpc", "later", unknown_values=frozenset({"tags_all"})),
            resource("aws_vpc", "gone", action="delete"),
            resource("aws_vpc", "stray", stack=None, values={"tags_all": {"lifecycle": "forever"}}),
        ]
    )
    findings = lifecycle_tags(inventory, policy)
    assert failing(findings) == {"aws_vpc.wrong", "aws_vpc.later", "aws_vpc.stray"}
    statuses = {f.subject: f.status for f in findings}
    assert statuses["aws_vpc.later"] is Status.UNKNOWN

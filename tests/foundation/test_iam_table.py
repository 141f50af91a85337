"""The IAM table covers every resource type the stacks declare, and refuses what is malformed."""

from __future__ import annotations

import pytest

from foundation.iam_table import UnknownResourceType, create_actions, iam_table, lookup, parse_table


def test_every_synthesized_resource_type_is_in_the_table(stacks):
    used = {rtype for stack in stacks.values() for rtype in stack.get("resource", {})}
    assert {"aws_vpc", "aws_ssm_parameter", "aws_budgets_budget_action"} <= used
    assert sorted(used - set(iam_table())) == []


def test_aws_types_name_what_they_do_and_others_nothing():
    for name, entry in iam_table().items():
        if name.startswith("aws_"):
            assert entry.read, f"{name} lists no read"
            assert entry.create or name in ("aws_default_security_group",), f"{name} lists no create"
        else:
            assert entry.tags == "none" and not entry.actions(("create", "update", "delete", "read"))


def test_a_missing_type_is_named():
    with pytest.raises(UnknownResourceType, match="aws_nat_gateway"):
        lookup(["aws_vpc", "aws_nat_gateway"])


@pytest.mark.parametrize(
    "text",
    ['[aws_x]\ntags = "sometimes"\n', '[aws_x]\ntags = "none"\ncreate = ["not an action"]\n', '[aws_x]\ntags = "none"\nlist = []\n'],
)
def test_malformed_entries_are_refused(text):
    with pytest.raises(ValueError, match=r"\[aws_x\]"):
        parse_table(text)


def test_create_actions_are_every_types_creates():
    assert "ec2:CreateVpc" in create_actions() and "rds:CreateDBInstance" in create_actions()
    assert "ec2:DescribeVpcs" not in create_actions()

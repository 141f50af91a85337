"""The deploy summary an operator reviews before confirming: changes by action."""

from __future__ import annotations

from stackguard.report.deploy import by_action, planned_changes_summary
from tests.evidence.conftest import make_snapshot

PLANNED = {
    "aws_s3_bucket.state": "create",
    "aws_dynamodb_table.lock": "create",
    "aws_budgets_budget.monthly": "update",
    "aws_iam_role.ci": "replace",
    "aws_sns_topic.old": "delete",
    "aws_s3_bucket.legacy": "forget",
}


def test_changes_are_grouped_by_action_in_a_fixed_order():
    assert by_action(PLANNED) == {
        "create": ["aws_dynamodb_table.lock", "aws_s3_bucket.state"],
        "update": ["aws_budgets_budget.monthly"],
        "replace": ["aws_iam_role.ci"],
        "delete": ["aws_sns_topic.old"],
        "forget": ["aws_s3_bucket.legacy"],
    }


def test_the_summary_counts_and_lists_every_change():
    details = {"stack": "core", "planned_changes": PLANNED, "plan_file": "p.tfplan", "plan_file_sha256": "d" * 64}
    text = planned_changes_summary(make_snapshot([], details=details))
    assert text.splitlines() == [
        f"core: the plan has 2 to create, 1 to update, 1 to replace, 1 to delete, 1 to forget; plan file p.tfplan (sha256 {'d' * 64})",
        "    + create  aws_dynamodb_table.lock",
        "    + create  aws_s3_bucket.state",
        "    ~ update  aws_budgets_budget.monthly",
        "  -/+ replace aws_iam_role.ci",
        "    - delete  aws_sns_topic.old",
        "    ! forget  aws_s3_bucket.legacy",
    ]


def test_an_empty_plan_says_so():
    details = {"stack": "demo", "planned_changes": {}, "plan_file": "p", "plan_file_sha256": "e" * 64}
    assert planned_changes_summary(make_snapshot([], details=details)).startswith("demo: the plan has no changes;")

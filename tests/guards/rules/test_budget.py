"""Budget rules: each way to be wrong has its own code."""

from __future__ import annotations

import pytest

from guards.findings import Status
from guards.inventory import Inventory
from guards.rules.budget import budget
from tests.guards.rules.conftest import codes, resource


def notification(threshold, kind="ACTUAL", *, emails=("ops@example.com",), topics=(), threshold_type="ABSOLUTE_VALUE"):
    return {
        "comparison_operator": "GREATER_THAN",
        "notification_type": kind,
        "threshold": threshold,
        "threshold_type": threshold_type,
        "subscriber_email_addresses": list(emails),
        "subscriber_sns_topic_arns": list(topics),
    }


def good_values(**overrides):
    values = {
        "name": "sg-devmin-monthly",
        "budget_type": "COST",
        "time_unit": "MONTHLY",
        "limit_amount": "30",
        "limit_unit": "USD",
        "notification": [notification(28), notification(10), notification(20)],
    }
    return values | overrides


@pytest.fixture
def check(policy):
    """Run the budget rule over one budget in the core stack."""

    def run(values, **fields):
        fields.setdefault("stack", "core")
        budget_resource = resource("aws_budgets_budget", "monthly", values=values, **fields)
        return budget(Inventory(resources=[budget_resource], stacks=["core"]), policy)

    return run


@pytest.mark.parametrize("cap", ["30", "30.0", 30, 30.0, "30.00"])
def test_equal_caps_in_any_spelling_pass(check, cap):
    findings = check(good_values(limit_amount=cap))
    assert codes(findings) == set()
    assert all(f.status is Status.PASS for f in findings)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (good_values(limit_amount="300"), {"budget-cap-mismatch"}),
        (good_values(limit_unit="EUR"), {"budget-cap-mismatch"}),
        (good_values(time_unit="ANNUALLY"), {"budget-type-mismatch"}),
        (good_values(budget_type="USAGE"), {"budget-type-mismatch"}),
        (good_values(notification=[notification(10), notification(20)]), {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        (good_values(notification=[notification(10), notification(20), notification(28), notification(29)]), {"budget-thresholds-mismatch"}),
        (good_values(notification=[notification(10), notification(20), notification(28, "FORECASTED")]), {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        (good_values(notification=[notification(10), notification(20, emails=()), notification(28)]), {"budget-subscriber-missing"}),
    ],
)
def test_each_defect_has_its_own_code(check, values, expected):
    assert codes(check(values)) == expected


def test_percentage_rungs_are_taken_of_the_cap(check):
    ladder = [notification(p, threshold_type="PERCENTAGE") for p in ("33.3333333333", 50, 70)]
    values = good_values(limit_amount="40", notification=ladder)
    assert codes(check(values)) == {"budget-cap-mismatch", "budget-thresholds-mismatch"}
    values = good_values(notification=[notification(10), notification(20), notification(28)])
    assert codes(check(values)) == set()


def test_sns_topic_alone_is_a_subscriber(check):
    ladder = [notification(t, emails=(), topics=("${aws_sns_topic.alerts.arn}",)) for t in (10, 20, 28)]
    assert codes(check(good_values(notification=ladder))) == set()


def test_missing_budget_and_wrongly_named_budget(check, policy):
    empty = Inventory(resources=[], stacks=["core"])
    (finding,) = budget(empty, policy)
    assert (finding.code, finding.status) == ("budget-missing", Status.FAIL)
    assert codes(check(good_values(name="other"))) == {"budget-missing"}


def test_deleted_budget_is_missing_and_other_stacks_are_out_of_scope(check, policy):
    assert codes(check(good_values(), action="delete")) == {"budget-missing"}
    assert budget(Inventory(resources=[], stacks=["demo"]), policy) == []


def test_unknown_cap_blocks_as_unknown(check):
    findings = check(good_values(), unknown_values=frozenset({"limit_amount"}))
    (finding,) = [f for f in findings if f.status is not Status.PASS]
    assert (finding.code, finding.status) == ("budget-cap-mismatch", Status.UNKNOWN)


def test_references_inside_notifications_are_judged_leaf_by_leaf(check):
    ladder = [notification(t, emails=(), topics=("${aws_sns_topic.alerts.arn}",)) for t in (10, 20, 28)]
    findings = check(good_values(notification=ladder), unknown_values=frozenset({"notification"}))
    assert codes(findings) == set()


def test_subscribers_known_only_after_apply_are_unknown_not_missing(check):
    ladder = [notification(t, emails=()) for t in (10, 20, 28)]
    findings = check(good_values(notification=ladder), unknown_values=frozenset({"notification"}))
    assert {(f.code, f.status) for f in findings if f.status is not Status.PASS} == {
        ("budget-subscriber-missing", Status.UNKNOWN)
    }

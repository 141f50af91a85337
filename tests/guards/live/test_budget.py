"""The live budget (moto over HTTP) read back as a Terraform-shaped resource, judged by the
same budget rule as synth and plan, and its actual spend judged by the spend rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from botocore.config import Config

from foundation.aws import client_factory
from guards.findings import Status
from guards.inventory import Inventory, Resource
from guards.live.budget import account_id, collect_budget, current_period, terraform_values
from guards.live_facts import LiveFacts
from guards.policy import Policy, load_policy
from guards.rules.budget import budget
from guards.rules.spend import spend as spend_rule
from tests.conftest import REPO_ROOT

NAME = "sg-devmin-monthly"  # the name in policy.toml
ACCOUNT = "123456789012"  # moto's default account
ARN = f"arn:aws:budgets::{ACCOUNT}:budget/{NAME}"
TODAY = dt.date(2026, 2, 14)


@pytest.fixture(scope="module")
def policy() -> Policy:
    """The repository's policy: a 30 USD cap, ACTUAL ladder 10/20/28, stop at 28."""
    return load_policy(REPO_ROOT / "policy.toml")


def notification(
    threshold: float, *, email: str | None = "ops@example.com", topic: str | None = None
) -> dict:
    subscribers = [{"SubscriptionType": "EMAIL", "Address": email}] if email else []
    subscribers += [{"SubscriptionType": "SNS", "Address": topic}] if topic else []
    return {
        "Notification": {
            "NotificationType": "ACTUAL",
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": threshold,
            "ThresholdType": "ABSOLUTE_VALUE",
        },
        "Subscribers": subscribers,
    }


#: What core's budget leaves out of its measure: credits and refunds (AWS counts both by default).
SAFE_COST_TYPES = {"IncludeCredit": False, "IncludeRefund": False}
#: A period that began before TODAY (and before any real run of these tests) and ends in 2087.
PERIOD = {"Start": dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "End": dt.datetime(2087, 6, 15, tzinfo=dt.UTC)}


def create_budget(
    session, thresholds=(10, 20, 28), *, limit="30", actual="12.5", extra=None, **subscriber
) -> None:
    """The policy's budget as core deploys it; `extra` adds or replaces DescribeBudget members."""
    session.client("budgets", region_name="us-east-1").create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": NAME,
            "BudgetLimit": {"Amount": limit, "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "CalculatedSpend": {"ActualSpend": {"Amount": actual, "Unit": "USD"}},
            "CostTypes": SAFE_COST_TYPES,
            "TimePeriod": PERIOD,
            **(extra or {}),
        },
        NotificationsWithSubscribers=[notification(t, **subscriber) for t in thresholds],
    )


def judged(resources, policy, today=TODAY):
    return budget(Inventory(resources=resources, stacks=["core"], as_of=today), policy)


def blocking_codes(findings) -> set[str]:
    return {f.code for f in findings if f.status is not Status.PASS}


def test_account_id_comes_from_sts(aws):
    assert account_id(client_factory(aws)) == ACCOUNT


def test_wrong_ladder_is_exactly_thresholds_and_stop(aws, subscribers_served, policy):
    create_budget(aws, thresholds=(10, 20, 25))
    resources, _, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert errors == []
    findings = judged(resources, policy)
    assert blocking_codes(findings) == {
        "budget-thresholds-mismatch",
        "budget-stop-threshold-missing",
    }
    assert {f.subject for f in findings if f.status is Status.FAIL} == {ARN}


def test_correct_budget_passes_and_has_the_terraform_shape(aws, subscribers_served, policy):
    create_budget(aws, topic="arn:aws:sns:us-east-1:123456789012:alerts")
    resources, _, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert errors == []
    [live] = resources
    assert (live.type, live.source, live.stack, live.name, live.arn) == (
        "aws_budgets_budget",
        "live",
        "core",
        NAME,
        ARN,
    )
    assert live.values == {
        "name": NAME,
        "budget_type": "COST",
        "time_unit": "MONTHLY",
        "limit_amount": "30",
        "limit_unit": "USD",
        "time_period_start": "2026-01-01_00:00",
        "time_period_end": "2087-06-15_00:00",
        "cost_types": [{"include_credit": False, "include_refund": False}],
        "notification": [
            {
                "comparison_operator": "GREATER_THAN",
                "notification_type": "ACTUAL",
                "threshold": threshold,
                "threshold_type": "ABSOLUTE_VALUE",
                "subscriber_email_addresses": ["ops@example.com"],
                "subscriber_sns_topic_arns": ["arn:aws:sns:us-east-1:123456789012:alerts"],
            }
            for threshold in (10.0, 20.0, 28.0)
        ],
    }
    findings = judged(resources, policy)
    assert blocking_codes(findings) == set()
    assert all(f.status is Status.PASS for f in findings)


def test_missing_budget_is_budget_missing(aws, policy):
    resources, spend, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core"
    )
    assert (resources, spend, errors) == ([], [], [])
    [finding] = judged(resources, policy)
    assert (finding.code, finding.status, finding.stack) == ("budget-missing", Status.FAIL, "core")


def test_actual_spend_over_the_current_period(aws, subscribers_served):
    create_budget(aws, actual="12.5")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _, spend, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert errors == []
    [actual] = spend
    assert (actual.source, actual.amount_usd) == ("budget", Decimal("12.5"))
    assert (actual.start, actual.end) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert actual.data_as_of is not None and actual.data_as_of.utcoffset() == dt.timedelta(0)
    assert actual.data_as_of >= before - dt.timedelta(
        seconds=5
    )  # moto stamps LastUpdatedTime at creation


def test_spend_at_the_stop_blocks_progression(aws, subscribers_served, policy):
    create_budget(aws, actual="28.00")
    resources, spend, _ = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    inventory = Inventory(resources=resources, stacks=["core"], live=LiveFacts(spend=spend))
    findings = spend_rule(inventory, policy)
    [stop] = [f for f in findings if f.code == "budget-stop-reached"]
    assert (stop.status, stop.subject, stop.stack) == (Status.FAIL, "spend:budget", "core")
    assert "28.00 USD" in stop.message and "data as of 20" in stop.message


def test_unreadable_subscribers_are_an_error_and_unknown_never_a_fail(aws, policy):
    """Without the subscribers action (moto's own 500), the collector names the method,
    and the rule says UNKNOWN rather than claiming there is no subscriber."""
    create_budget(aws)

    def session_clients(service: str, region: str):
        """No retries: moto answers the unknown action with a 500, which botocore retries."""
        return aws.client(service, region_name=region, config=Config(retries={"max_attempts": 1}))

    resources, spend, errors = collect_budget(
        session_clients, account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert {(e.code, e.status, e.subject) for e in errors} == {
        ("budget-subscriber-missing", Status.ERROR, "budgets:DescribeSubscribersForNotification")
    }
    assert all("failed with" in e.message for e in errors)
    [live] = resources
    assert "notification" in live.unknown_values
    findings = judged(resources, policy)
    assert {(f.code, f.status) for f in findings if f.status is not Status.PASS} == {
        ("budget-subscriber-missing", Status.UNKNOWN)
    }
    assert len(spend) == 1  # the budget itself was read


@pytest.mark.parametrize(
    ("unit", "today", "period"),
    [
        ("MONTHLY", dt.date(2026, 12, 31), (dt.date(2026, 12, 1), dt.date(2027, 1, 1))),
        ("MONTHLY", dt.date(2026, 3, 1), (dt.date(2026, 3, 1), dt.date(2026, 4, 1))),
        ("QUARTERLY", dt.date(2026, 5, 15), (dt.date(2026, 4, 1), dt.date(2026, 7, 1))),
        ("QUARTERLY", dt.date(2026, 12, 1), (dt.date(2026, 10, 1), dt.date(2027, 1, 1))),
        ("ANNUALLY", dt.date(2026, 7, 4), (dt.date(2026, 1, 1), dt.date(2027, 1, 1))),
        ("DAILY", dt.date(2026, 2, 28), (dt.date(2026, 2, 28), dt.date(2026, 3, 1))),
        ("CUSTOM", dt.date(2026, 2, 28), None),
    ],
)
def test_current_period(unit, today, period):
    assert current_period(unit, today) == period


@pytest.mark.parametrize("actual", ["NaN", "Infinity"])
def test_a_non_finite_actual_spend_is_an_error_never_a_number(aws, subscribers_served, actual):
    create_budget(aws, actual=actual)
    _, spend, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert spend == []
    assert [(f.code, f.status) for f in errors] == [("budget-stop-reached", Status.ERROR)]
    assert "no readable actual spend" in errors[0].message


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"CostTypes": {"IncludeCredit": True, "IncludeRefund": False}}, {"budget-cost-types-unsafe"}),
        ({"CostFilters": {"Service": ["Amazon Elastic Compute Cloud - Compute"]}}, {"budget-scope-narrowed"}),
        ({"TimePeriod": {"Start": PERIOD["Start"], "End": dt.datetime(2026, 2, 1, tzinfo=dt.UTC)}}, {"budget-inactive"}),
        ({"TimePeriod": {"Start": dt.datetime(2026, 6, 1, tzinfo=dt.UTC), "End": PERIOD["End"]}}, {"budget-inactive"}),
        (
            {"PlannedBudgetLimits": {"1767225600": {"Amount": "30", "Unit": "USD"}, "1769904000": {"Amount": "300", "Unit": "USD"}}},
            {"budget-cap-mismatch"},
        ),
        ({"AutoAdjustData": {"AutoAdjustType": "FORECAST"}}, {"budget-cap-mismatch"}),
    ],
    ids=["credits", "filter", "ended", "not-started", "planned", "auto-adjust"],
)
def test_a_live_budget_that_never_protects_is_judged_like_the_resource(aws, subscribers_served, policy, extra, expected):
    """Read back from the Budgets API into the resource's shape, the same fields fail."""
    create_budget(aws, extra=extra)
    resources, _, errors = collect_budget(
        client_factory(aws), account_id=ACCOUNT, budget_name=NAME, stack="core", today=TODAY
    )
    assert errors == []
    assert blocking_codes(judged(resources, policy)) == expected


def test_a_member_the_reader_does_not_know_is_kept_and_fails_closed(policy):
    described = {
        "BudgetName": NAME, "BudgetType": "COST", "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": "30", "Unit": "USD"}, "CostTypes": SAFE_COST_TYPES, "TimePeriod": PERIOD,
        "CalculatedSpend": {}, "LastUpdatedTime": PERIOD["Start"],
        "SpendCeiling": {"Mode": "Soft"},  # a member from a future API
        "HealthStatus": {"Status": "UNHEALTHY", "StatusReason": "BILLING_VIEW_NO_ACCESS"},
    }
    values = terraform_values(described, [])
    assert values["SpendCeiling"] == {"Mode": "Soft"} and "CalculatedSpend" not in values
    assert values["health_status"] == {"status": "UNHEALTHY", "status_reason": "BILLING_VIEW_NO_ACCESS"}
    live = Resource("core", "aws_budgets_budget", NAME, "live", values=values, arn=ARN)
    findings = judged([live], policy)
    failing = {(f.code, f.status) for f in findings if f.status is not Status.PASS}
    assert ("budget-field-unknown", Status.FAIL) in failing and ("budget-inactive", Status.FAIL) in failing
    assert any("SpendCeiling" in f.message for f in findings if f.code == "budget-field-unknown")

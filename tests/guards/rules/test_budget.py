"""Budget rules: each way to be wrong has its own code."""

from __future__ import annotations

import datetime as dt

import pytest

from guards.documents import collect_plan
from guards.findings import Status
from guards.inventory import Inventory
from guards.rules.budget import budget
from tests.guards.rules.conftest import codes, resource

TODAY = dt.date(2026, 11, 23)


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
        # AWS's defaults count credits and refunds, which net spend down: the safe budget says so
        "cost_types": [{"include_credit": False, "include_refund": False}],
    }
    return values | overrides


@pytest.fixture
def check(policy):
    """Run the budget rule over one budget in the core stack."""

    def run(values, as_of=TODAY, **fields):
        fields.setdefault("stack", "core")
        budget_resource = resource("aws_budgets_budget", "monthly", values=values, **fields)
        return budget(Inventory(resources=[budget_resource], stacks=["core"], as_of=as_of), policy)

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


def with_operator(threshold, operator):
    return notification(threshold) | {"comparison_operator": operator}


@pytest.mark.parametrize(
    ("notifications", "expected"),
    [
        # the stop compares EQUAL_TO: spend jumps past 28 without ever equalling it
        ([notification(10), notification(20), with_operator(28, "EQUAL_TO")], {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        # a LESS_THAN notification beside a good ladder fires while spend is low, never as a stop
        ([notification(10), notification(20), notification(28), with_operator(5, "LESS_THAN")], {"budget-thresholds-mismatch"}),
        ([notification(10), notification(20), notification(28, threshold_type="ABSOLUTE")], {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        # percentages and absolute values may mix, each placed on the cap
        ([notification(10), notification(200 / 3, threshold_type="PERCENTAGE"), notification(28)], {"budget-thresholds-mismatch"}),
        ([notification(10), notification(20), notification("93.3", threshold_type="PERCENTAGE")], {"budget-thresholds-mismatch", "budget-stop-threshold-missing"}),
        ([notification(10), notification(20, threshold_type="PERCENTAGE"), notification(28)], {"budget-thresholds-mismatch"}),
    ],
    ids=["equal-to-stop", "less-than-extra", "bogus-threshold-type", "percent-rounding", "percent-stop-off", "percent-of-cap"],
)
def test_every_notification_must_fire_as_spend_passes_it(check, notifications, expected):
    assert codes(check(good_values(notification=notifications))) == expected


def test_an_operator_known_only_after_apply_is_unknown(check):
    ladder = [notification(10), notification(20), with_operator(28, "${var.operator}")]
    findings = check(good_values(notification=ladder))
    assert {(f.code, f.status) for f in findings if f.status is not Status.PASS} == {
        ("budget-thresholds-mismatch", Status.UNKNOWN), ("budget-stop-threshold-missing", Status.UNKNOWN)
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # what it measures: any filter, or a custom billing view
        ({"cost_filter": [{"name": "Service", "values": ["Amazon Elastic Compute Cloud - Compute"]}]}, {"budget-scope-narrowed"}),
        ({"cost_filter": {"name": "TagKeyValue", "values": ["user:stack$demo"]}}, {"budget-scope-narrowed"}),
        ({"cost_filters": {"LinkedAccount": ["111111111111"]}}, {"budget-scope-narrowed"}),
        ({"filter_expression": [{"dimensions": {"key": "SERVICE", "values": ["Amazon EC2"]}}]}, {"budget-scope-narrowed"}),
        ({"billing_view_arn": "arn:aws:billing::123456789012:billingview/custom-1a2b"}, {"budget-scope-narrowed"}),
        ({"billing_view_arn": "arn:aws:billing::123456789012:billingview/primary"}, set()),
        ({"cost_filter": []}, set()),
        # how it counts: credits, refunds, blended or amortized rates, left-out fees, metrics
        ({"cost_types": None}, {"budget-cost-types-unsafe"}),
        ({"cost_types": []}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": True, "include_refund": False}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False}]}, {"budget-cost-types-unsafe"}),  # refunds by default
        ({"cost_types": [{"include_credit": False, "include_refund": False, "use_blended": True}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False, "include_refund": False, "use_amortized": True}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False, "include_refund": False, "include_tax": False}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False, "include_refund": False, "include_support": "false"}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False, "include_refund": False, "include_surprise": True}]}, {"budget-cost-types-unsafe"}),
        ({"cost_types": [{"include_credit": False, "include_refund": False, "include_discount": False}]}, set()),
        ({"cost_types": {"include_credit": False, "include_refund": False}}, set()),  # cdktf's single block
        ({"cost_types": [{"include_credit": "false", "include_refund": "false"}]}, set()),
        ({"metrics": ["AmortizedCost"]}, {"budget-cost-types-unsafe"}),
        ({"metrics": ["UnblendedCost"]}, set()),
        # what the cap is: a schedule of limits, auto-adjusting
        ({"planned_limit": [{"start_time": "2026-01-01_00:00", "amount": "30", "unit": "USD"}]}, set()),
        (
            {"planned_limit": [
                {"start_time": "2026-01-01_00:00", "amount": "30.0", "unit": "USD"},
                {"start_time": "2026-12-01_00:00", "amount": "300", "unit": "USD"},
            ]},
            {"budget-cap-mismatch"},
        ),
        ({"planned_limit": [{"start_time": "2026-01-01_00:00", "amount": "30", "unit": "EUR"}]}, {"budget-cap-mismatch"}),
        ({"auto_adjust_data": [{"auto_adjust_type": "HISTORICAL", "historical_options": [{"budget_adjustment_period": 3}]}]}, {"budget-cap-mismatch"}),
        ({"auto_adjust_data": []}, set()),
        # when it is active
        ({"time_period_start": "2017-01-01_00:00", "time_period_end": "2087-06-15_00:00"}, set()),
        ({"time_period_start": "2026-12-01_00:00"}, {"budget-inactive"}),
        ({"time_period_end": "2026-11-23_00:00"}, {"budget-inactive"}),
        ({"time_period_end": "2026-11-24_00:00"}, set()),
        ({"time_period_start": "2026-06-01_00:00", "time_period_end": "2026-01-01_00:00"}, {"budget-inactive"}),
        ({"time_period_end": "next year"}, {"budget-inactive"}),
        ({"health_status": {"status": "UNHEALTHY", "status_reason": "BILLING_VIEW_NO_ACCESS"}}, {"budget-inactive"}),
        ({"health_status": {"status": "HEALTHY"}}, set()),
        # fields that name or label it change nothing; any other field fails closed
        ({"tags": {"team": "platform"}, "account_id": "123456789012", "name_prefix": None}, set()),
        ({"spend_ceiling": [{"mode": "soft"}]}, {"budget-field-unknown"}),
        ({"spend_ceiling": None}, set()),
    ],
)
def test_every_field_that_changes_what_or_when_is_judged(check, overrides, expected):
    assert codes(check(good_values(**overrides))) == expected


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"cost_filter": "${var.filters}"}, "budget-scope-narrowed"),
        ({"billing_view_arn": "${data.aws_billing_view.x.arn}"}, "budget-scope-narrowed"),
        ({"cost_types": "${var.cost_types}"}, "budget-cost-types-unsafe"),
        ({"cost_types": [{"include_credit": "${var.credits}", "include_refund": False}]}, "budget-cost-types-unsafe"),
        ({"planned_limit": [{"start_time": "2026-01-01_00:00", "amount": "${var.cap}", "unit": "USD"}]}, "budget-cap-mismatch"),
        ({"auto_adjust_data": "${var.adjust}"}, "budget-cap-mismatch"),
        ({"time_period_end": "${var.end}"}, "budget-inactive"),
        ({"spend_ceiling": "${var.ceiling}"}, "budget-field-unknown"),
    ],
)
def test_tokens_are_unknown(check, overrides, code):
    findings = check(good_values(**overrides), source="synth")
    assert {(f.code, f.status) for f in findings if f.status is not Status.PASS} == {(code, Status.UNKNOWN)}


def test_a_period_without_a_date_to_place_it_against_is_unknown(check):
    findings = check(good_values(time_period_start="2017-01-01_00:00"), as_of=None)
    assert {(f.code, f.status) for f in findings if f.status is not Status.PASS} == {("budget-inactive", Status.UNKNOWN)}
    assert codes(check(good_values(), as_of=None)) == set()


def test_a_plan_judges_what_the_provider_computes_as_left_out(policy):
    """terraform 1.11 and hashicorp/aws 5.100.0 (`terraform show -json`, /tmp plan of this
    budget): `cost_filter`, `cost_types` and `time_period_start` are known only after
    apply and absent from `after` when the configuration leaves them out."""

    def planned(after: dict, after_unknown: dict) -> set[str]:
        plan = collect_plan(
            {"format_version": "1.2", "resource_changes": [{
                "address": "aws_budgets_budget.monthly_budget", "mode": "managed", "type": "aws_budgets_budget",
                "name": "monthly_budget", "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": after_unknown},
            }]},
            stack="core",
        )
        plan.as_of = TODAY
        return codes(budget(plan, policy))

    ladder = [notification(t) for t in (10, 20, 28)]
    after = {
        "auto_adjust_data": [], "budget_type": "COST", "limit_amount": "30", "limit_unit": "USD",
        "name": "sg-devmin-monthly", "notification": ladder, "planned_limit": [], "tags": None,
        "time_period_end": "2087-06-15_00:00", "time_unit": "MONTHLY",
    }
    computed = {
        "account_id": True, "arn": True, "auto_adjust_data": [], "cost_filter": True, "id": True,
        "name_prefix": True, "planned_limit": [], "tags_all": True, "time_period_start": True,
    }
    # as core configures it: the safe cost types are known at plan time
    safe = [{**dict.fromkeys(("include_discount", "include_other_subscription", "include_recurring",
                              "include_subscription", "include_support", "include_tax", "include_upfront"), True),
             "include_credit": False, "include_refund": False, "use_amortized": False, "use_blended": False}]
    assert planned({**after, "cost_types": safe}, {**computed, "cost_types": [{}]}) == set()
    # without cost_types the provider computes AWS's defaults: credits and refunds count
    assert planned(after, {**computed, "cost_types": True}) == {"budget-cost-types-unsafe"}
    # a configured filter shows in `after`, even with values known only after apply
    filtered = {**after, "cost_types": safe, "cost_filter": [{"name": "TagKeyValue"}]}
    assert planned(filtered, {**computed, "cost_types": [{}], "cost_filter": [{"values": True}]}) == {"budget-scope-narrowed"}
    # on a schedule the provider computes limit_amount: the schedule is the cap
    scheduled = {k: v for k, v in after.items() if k not in ("limit_amount", "limit_unit")} | {
        "cost_types": safe, "planned_limit": [{"amount": "30", "start_time": "2026-01-01_00:00", "unit": "USD"}],
    }
    assert planned(scheduled, {**computed, "cost_types": [{}], "planned_limit": [{}], "limit_amount": True, "limit_unit": True}) == set()

"""The live budget, read back into the shape of the Terraform resource.

`guards.rules.budget` judges an `aws_budgets_budget` by its Terraform values; building
the same values from the Budgets API lets that one rule hold at synth, plan and live
time. The budget's actual spend comes along as a `Spend` for the emergency stop.

Budgets is a global service: every call goes to us-east-1 and names the account.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import InvalidOperation
from typing import Any

from foundation.aws import ClientFactory, FailedCall, error_code, pages
from foundation.money import finite_amount
from guards import catalog
from guards.findings import Finding, error
from guards.inventory import Resource
from guards.live.errors import API_FAILURES, api_error
from guards.live_facts import Spend

GLOBAL_REGION = "us-east-1"
BUDGET_TYPE = "aws_budgets_budget"
NOTIFICATION_FIELDS = {
    "ComparisonOperator": "comparison_operator",
    "NotificationType": "notification_type",
    "Threshold": "threshold",
    "ThresholdType": "threshold_type",
}


def account_id(clients: ClientFactory) -> str:
    """The caller's account id (`sts:GetCallerIdentity`); Budgets needs it in every call.

    Raises what boto3 raises (`guards.live.errors.API_FAILURES`): the caller turns that
    into an ERROR, as it knows which checks could not run."""
    return clients("sts", GLOBAL_REGION).get_caller_identity()["Account"]


def budget_arn(account: str, name: str) -> str:
    return f"arn:aws:budgets::{account}:budget/{name}"


def current_period(time_unit: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The budget period `today` falls in, end exclusive; None for units we cannot place."""
    if time_unit == "DAILY":
        return today, today + dt.timedelta(days=1)
    months = {"MONTHLY": 1, "QUARTERLY": 3, "ANNUALLY": 12}.get(time_unit)
    if months is None:
        return None
    first_month = (today.month - 1) // months * months  # 0-based month that opens the period
    start = dt.date(today.year, first_month + 1, 1)
    end_month = first_month + months
    end = dt.date(today.year + end_month // 12, end_month % 12 + 1, 1)
    return start, end


def _as_date(moment: Any) -> dt.date | None:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).date()
    return moment if isinstance(moment, dt.date) else None


def _as_utc(moment: Any) -> dt.datetime | None:
    return moment.astimezone(dt.UTC) if isinstance(moment, dt.datetime) else None


#: `DescribeBudget` members read elsewhere (the actual spend and its date) or mapped below.
_READ_ELSEWHERE = frozenset({"CalculatedSpend", "LastUpdatedTime"})
_MAPPED = frozenset(
    {
        "BudgetName", "BudgetType", "TimeUnit", "BudgetLimit", "TimePeriod", "CostTypes", "CostFilters",
        "PlannedBudgetLimits", "AutoAdjustData", "BillingViewArn", "FilterExpression", "Metrics",
        "HealthStatus",
    }
)


def snake(name: str) -> str:
    """`IncludeOtherSubscription` -> `include_other_subscription`, as Terraform spells it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def terraform_time(moment: Any) -> str | None:
    """A Budgets time (a datetime, or epoch seconds as a string in PlannedBudgetLimits'
    keys) as Terraform writes it: `2026-01-01_00:00` (UTC)."""
    if isinstance(moment, str) and moment.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(moment.strip()), dt.UTC)
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d_%H:%M")
    return None if moment is None else str(moment)


def _snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(key): _snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_snake_keys(item) for item in value]
    return value


def _measured(budget: dict[str, Any]) -> dict[str, Any]:
    """What decides what the budget measures and when, in the resource's shape. Members
    left out of the response are left out here (the rule then judges AWS's defaults)."""
    values: dict[str, Any] = {}
    period = budget.get("TimePeriod") or {}
    for api, tf in (("Start", "time_period_start"), ("End", "time_period_end")):
        if period.get(api) is not None:
            values[tf] = terraform_time(period[api])
    if budget.get("CostTypes") is not None:
        values["cost_types"] = [_snake_keys(budget["CostTypes"])]
    if budget.get("CostFilters"):
        values["cost_filter"] = [{"name": name, "values": list(v)} for name, v in sorted(budget["CostFilters"].items())]
    if budget.get("PlannedBudgetLimits"):
        values["planned_limit"] = [
            {"start_time": terraform_time(start), "amount": spend.get("Amount"), "unit": spend.get("Unit")}
            for start, spend in sorted(budget["PlannedBudgetLimits"].items())
        ]
    if budget.get("AutoAdjustData"):
        values["auto_adjust_data"] = [_snake_keys(budget["AutoAdjustData"])]
    for api, tf in (("BillingViewArn", "billing_view_arn"), ("Metrics", "metrics")):
        if budget.get(api) is not None:
            values[tf] = budget[api]
    if budget.get("FilterExpression"):
        values["filter_expression"] = [_snake_keys(budget["FilterExpression"])]
    if budget.get("HealthStatus"):
        values["health_status"] = _snake_keys(budget["HealthStatus"])
    return values


def terraform_values(
    budget: dict[str, Any], notifications: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """`DescribeBudget` plus notifications with subscribers, as `aws_budgets_budget` values.

    `notifications=None` (unread, not empty) leaves the block out, so the rule cannot
    mistake an unread ladder for an empty one. A member this reader does not know is kept
    under its API name, so the rule reports it (`budget-field-unknown`) rather than never
    seeing it."""
    limit = budget.get("BudgetLimit") or {}
    values = {
        "name": budget.get("BudgetName"),
        "budget_type": budget.get("BudgetType"),
        "time_unit": budget.get("TimeUnit"),
        "limit_amount": limit.get("Amount"),
        "limit_unit": limit.get("Unit"),
        **_measured(budget),
        **{key: value for key, value in budget.items() if key not in _MAPPED | _READ_ELSEWHERE},
    }
    return values if notifications is None else values | {"notification": notifications}


def terraform_notification(
    notification: dict[str, Any], subscribers: list[dict[str, Any]]
) -> dict[str, Any]:
    """One notification block, its subscribers split by type as Terraform spells them."""
    block = {tf: notification.get(api) for api, tf in NOTIFICATION_FIELDS.items()}
    block["subscriber_email_addresses"] = sorted(
        s["Address"] for s in subscribers if s.get("SubscriptionType") == "EMAIL"
    )
    block["subscriber_sns_topic_arns"] = sorted(
        s["Address"] for s in subscribers if s.get("SubscriptionType") == "SNS"
    )
    return block


def actual_spend(
    budget: dict[str, Any], *, today: dt.date, stack: str, subject: str
) -> tuple[list[Spend], list[Finding]]:
    """The budget's `CalculatedSpend.ActualSpend` over its current period, or an ERROR:
    without it the emergency stop cannot be judged."""

    def cannot_judge(reason: str) -> tuple[list[Spend], list[Finding]]:
        message = f"{reason}: the emergency stop cannot be judged (fail-closed)"
        return [], [error(catalog.BUDGET_STOP_REACHED, subject, stack, message)]

    actual = (budget.get("CalculatedSpend") or {}).get("ActualSpend") or {}
    try:
        amount = finite_amount(actual["Amount"])
    except (KeyError, TypeError, InvalidOperation):
        return cannot_judge("the budget reports no readable actual spend")
    if actual.get("Unit") != "USD":
        return cannot_judge(f"the budget's actual spend is in {actual.get('Unit')!r}, not USD")
    period = current_period(str(budget.get("TimeUnit")), today)
    if period is None:  # a custom period: take the budget's own
        time_period = budget.get("TimePeriod") or {}
        start, end = _as_date(time_period.get("Start")), _as_date(time_period.get("End"))
        if start is None or end is None:
            return cannot_judge("the budget's period cannot be placed")
        period = (start, end)
    spend = Spend(
        source="budget",
        amount_usd=amount,
        start=period[0],
        end=period[1],
        data_as_of=_as_utc(budget.get("LastUpdatedTime")),
    )
    return [spend], []


def _not_found(exc: Exception) -> bool:
    return error_code(exc) == "NotFoundException"


def read_notifications(
    client: Any, *, account_id: str, budget_name: str, stack: str
) -> tuple[list[dict[str, Any]] | None, bool, list[Finding]]:
    """Terraform-shaped notification blocks (None when unread), whether some subscribers
    could not be read, and an ERROR per failed call."""
    who = {"AccountId": account_id, "BudgetName": budget_name}
    try:
        described = list(
            pages(
                client,
                "describe_notifications_for_budget",
                "Notifications",
                method="budgets:DescribeNotificationsForBudget",
                **who,
            )
        )
    except FailedCall as exc:
        return None, True, [api_error(catalog.BUDGET_THRESHOLDS_MISMATCH, exc.method, None, exc, stack)]
    blocks: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for notification in described:
        try:
            subscribers = list(
                pages(
                    client,
                    "describe_subscribers_for_notification",
                    "Subscribers",
                    method="budgets:DescribeSubscribersForNotification",
                    **who,
                    Notification=notification,
                )
            )
        except FailedCall as exc:
            findings.append(api_error(catalog.BUDGET_SUBSCRIBER_MISSING, exc.method, None, exc, stack))
            subscribers = []
        blocks.append(terraform_notification(notification, subscribers))
    return blocks, bool(findings), findings


def collect_budget(
    clients: ClientFactory,
    *,
    account_id: str,
    budget_name: str,
    stack: str,
    today: dt.date | None = None,
) -> tuple[list[Resource], list[Spend], list[Finding]]:
    """The named budget as one live `aws_budgets_budget` resource, its actual spend, and an
    ERROR for every call that failed.

    A budget that does not exist yields no resource, so the budget rule reports
    `budget-missing`. Notifications or subscribers that cannot be read are marked
    unknown on the resource, so the rule says UNKNOWN rather than a FAIL that could be
    wrong, beside the ERROR that names the method. `today` (UTC by default) places the
    budget's current period."""
    today = today or dt.datetime.now(dt.UTC).date()
    arn = budget_arn(account_id, budget_name)
    try:
        client = clients("budgets", GLOBAL_REGION)
        budget = client.describe_budget(AccountId=account_id, BudgetName=budget_name)["Budget"]
    except API_FAILURES as exc:
        if _not_found(exc):
            return [], [], []
        return [], [], [api_error(catalog.BUDGET_MISSING, "budgets:DescribeBudget", None, exc, stack)]
    notifications, unreadable, findings = read_notifications(
        client, account_id=account_id, budget_name=budget_name, stack=stack
    )
    resource = Resource(
        stack=stack,
        type=BUDGET_TYPE,
        name=budget_name,
        source="live",
        values=terraform_values(budget, notifications),
        unknown_values=frozenset({"notification"} if unreadable else ()),
        arn=arn,
    )
    spend, spend_errors = actual_spend(budget, today=today, stack=stack, subject=arn)
    return [resource], spend, findings + spend_errors

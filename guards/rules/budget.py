"""Budget rules: the persistent stack carries the cap, the alert ladder and a channel.

Each way a budget can be wrong has its own code, so a blocker says what to fix. What it
measures and when it is active (filters, cost types, schedules, its period, fields the
rule does not know) is judged in guards.rules.budget_fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from guards import catalog
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory, Resource
from guards.policy import BudgetPolicy, Policy
from guards.registry import rule, with_passes
from guards.rules import budget_fields as fields
from guards.values import UNKNOWN, as_decimal, attribute, is_token

BUDGET_TYPE = "aws_budgets_budget"
CODES = (
    catalog.BUDGET_MISSING,
    catalog.BUDGET_TYPE_MISMATCH,
    catalog.BUDGET_CAP_MISMATCH,
    catalog.BUDGET_THRESHOLDS_MISMATCH,
    catalog.BUDGET_STOP_THRESHOLD_MISSING,
    catalog.BUDGET_SUBSCRIBER_MISSING,
    catalog.BUDGET_SCOPE_NARROWED,
    catalog.BUDGET_COST_TYPES_UNSAFE,
    catalog.BUDGET_INACTIVE,
    catalog.BUDGET_FIELD_UNKNOWN,
)
#: The only comparison that fires as spend climbs past a threshold.
FIRING_OPERATOR = "GREATER_THAN"
THRESHOLD_TYPES = ("PERCENTAGE", "ABSOLUTE_VALUE")


def _fmt(amounts: Any) -> str:
    return ", ".join(f"{amount:f}" for amount in sorted(amounts)) or "none"


def _rung(notification: dict[str, Any], limit: Decimal | None) -> Decimal | None:
    """A notification's threshold in USD; percentages are taken of the budget's cap. None
    when it cannot be placed (an unknown threshold, type or cap)."""
    threshold = as_decimal(notification.get("threshold"))
    if not isinstance(threshold, Decimal):
        return None
    kind = notification.get("threshold_type") or "PERCENTAGE"  # the API's default
    if kind == "PERCENTAGE":
        return (threshold * limit / 100).normalize() if limit is not None else None
    return threshold if kind == "ABSOLUTE_VALUE" else None


def _misfiring(notification: dict[str, Any]) -> str | None:
    """Why a notification never fires as spend passes its threshold, or None."""
    operator, kind = notification.get("comparison_operator"), notification.get("threshold_type")
    if is_token(operator) or is_token(kind):
        return None  # unresolved, judged UNKNOWN with the ladder
    if operator != FIRING_OPERATOR:
        return f"comparison_operator {operator} (only {FIRING_OPERATOR} fires as spend passes it)"
    if kind is not None and kind not in THRESHOLD_TYPES:
        return f"threshold_type {kind} (neither PERCENTAGE nor ABSOLUTE_VALUE)"
    return None


def _unresolved(notification: dict[str, Any]) -> bool:
    """A notification whose type, operator or threshold is known only after apply: it may
    or may not be a rung of the ladder."""
    keys = ("notification_type", "comparison_operator", "threshold_type", "threshold")
    return any(is_token(notification.get(key)) for key in keys)


def _has_subscriber(notification: dict[str, Any]) -> bool:
    for key in ("subscriber_email_addresses", "subscriber_sns_topic_arns"):
        value = notification.get(key)
        if is_token(value) or (isinstance(value, list) and value):
            return True
    return False


def _check_budget(budget: Resource, expected: BudgetPolicy, today: dt.date | None) -> list[Finding]:
    subject, stack = budget.subject, budget.stack
    findings: list[Finding] = [
        *fields.unknown_fields(budget),
        *fields.scope(budget),
        *fields.cost_basis(budget),
        *fields.cap_schedule(budget, expected.limit_usd.normalize()),
        *fields.period(budget, today),
    ]

    for name, want in (("budget_type", expected.budget_type), ("time_unit", expected.time_unit)):
        got = attribute(budget, name)
        if got is UNKNOWN:
            findings.append(unknown(catalog.BUDGET_TYPE_MISMATCH, subject, stack, f"{name} known only after apply"))
        elif got != want:
            findings.append(fail(catalog.BUDGET_TYPE_MISMATCH, subject, stack, f"{name} is {got!r}, policy requires {want!r}"))

    limit = as_decimal(attribute(budget, "limit_amount"))
    unit = attribute(budget, "limit_unit")
    want_limit = expected.limit_usd.normalize()
    scheduled = fields.planned_cap(budget)
    if scheduled is not None and fields.left_to_provider(budget, "limit_amount"):
        limit, unit = scheduled, "USD"  # a plan on a schedule: the schedule is the cap
    if limit is UNKNOWN:
        findings.append(unknown(catalog.BUDGET_CAP_MISMATCH, subject, stack, "limit_amount known only after apply"))
        limit = None
    elif limit != want_limit or unit != "USD":
        findings.append(
            fail(catalog.BUDGET_CAP_MISMATCH, subject, stack, f"cap is {attribute(budget, 'limit_amount')} {unit}, policy requires {want_limit:f} USD")
        )

    # Notifications often hold references (`${aws_sns_topic.x.arn}`) or values known only
    # after apply; judge them leaf by leaf, and say UNKNOWN where a FAIL could be wrong.
    notifications = budget.values.get("notification")
    partly_unknown = "notification" in budget.unknown_values
    if is_token(notifications) or (notifications is None and partly_unknown):
        findings.append(unknown(catalog.BUDGET_THRESHOLDS_MISMATCH, subject, stack, "notifications known only after apply"))
        return findings
    notifications = [n for n in notifications or [] if isinstance(n, dict)]
    misfiring = [(n, why) for n in notifications if (why := _misfiring(n)) is not None]
    if misfiring:
        said = "; ".join(f"the one at {n.get('threshold')} has {why}" for n, why in misfiring)
        findings.append(
            fail(catalog.BUDGET_THRESHOLDS_MISMATCH, subject, stack, f"notifications that never fire as a stop: {said}")
        )
    ladder = [
        n
        for n in notifications
        if _misfiring(n) is None
        and (n.get("notification_type") == expected.notification_type or is_token(n.get("notification_type")))
    ]
    settled = [n for n in ladder if not _unresolved(n)]
    rungs = {rung for n in settled if (rung := _rung(n, limit)) is not None}
    unresolved = len(settled) < len(ladder) or any(_rung(n, limit) is None for n in settled)
    want_rungs = {t.normalize() for t in expected.thresholds_usd}
    if rungs != want_rungs:
        outcome = unknown if unresolved else fail
        findings.append(
            outcome(
                catalog.BUDGET_THRESHOLDS_MISMATCH,
                subject,
                stack,
                f"{expected.notification_type} ladder is [{_fmt(rungs)}] USD, policy requires "
                f"[{_fmt(want_rungs)}] (missing: {_fmt(want_rungs - rungs)}; extra: {_fmt(rungs - want_rungs)})",
            )
        )
    if expected.stop_threshold_usd.normalize() not in rungs:
        outcome = unknown if unresolved else fail
        findings.append(
            outcome(
                catalog.BUDGET_STOP_THRESHOLD_MISSING,
                subject,
                stack,
                f"no {expected.notification_type} notification at the emergency stop of "
                f"{expected.stop_threshold_usd:f} USD",
            )
        )
    for notification in notifications:
        if not _has_subscriber(notification):
            rung = _rung(notification, limit)
            outcome = unknown if partly_unknown else fail
            findings.append(
                outcome(
                    catalog.BUDGET_SUBSCRIBER_MISSING,
                    subject,
                    stack,
                    f"notification at {rung if rung is not None else notification.get('threshold')} "
                    "has no SNS or e-mail subscriber" + (" known before apply" if partly_unknown else ""),
                )
            )
    return findings


@rule("budget", codes=CODES)
def budget(inventory: Inventory, policy: Policy) -> list[Finding]:
    """The policy's budget exists in its stack with cap, ACTUAL ladder and subscribers."""
    expected = policy.budget
    if expected.stack not in inventory.stacks:
        return []  # this inventory does not cover the stack that must hold the budget
    if inventory.live is not None and "budget" not in inventory.live.sections_read:
        return []  # `check live --only ...` without the budget section
    budgets = [
        r
        for r in inventory.resources
        if r.type == BUDGET_TYPE and r.stack == expected.stack and r.exists_after_apply
    ]
    named = [b for b in budgets if attribute(b, "name") == expected.name]
    unnamed = [b for b in budgets if attribute(b, "name") is UNKNOWN]
    if not named and unnamed:
        return [
            unknown(catalog.BUDGET_MISSING, b.subject, b.stack, "budget name known only after apply")
            for b in unnamed
        ]
    if not named:
        others = sorted(str(attribute(b, "name")) for b in budgets)
        return [
            fail(
                catalog.BUDGET_MISSING,
                f"{BUDGET_TYPE} (name {expected.name!r})",
                expected.stack,
                f"no budget named {expected.name!r} in stack {expected.stack!r}"
                + (f"; found {', '.join(others)}" if others else ""),
            )
        ]
    findings = [finding for b in named for finding in _check_budget(b, expected, inventory.as_of)]
    return with_passes(findings, CODES, len(named), "budgets")

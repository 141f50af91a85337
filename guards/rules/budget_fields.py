"""The budget's fields besides its cap and ladder: whatever changes what it measures or when
it fires is judged, and a field the rule does not know fails closed.

A budget can look right (the name, a 30 USD cap, a 10/20/28 ladder) and never protect:
filtered to one service, netting credits and refunds away, on a schedule of other limits,
auto-adjusting, out of its period. Each such field is judged here, as the Terraform
resource spells it (the live collector reads the Budgets API into the same shape).

Unknowns: a `${...}` token (synth) is UNKNOWN. A field a plan shows as wholly known after
apply and absent from `after` is one the provider computes because the configuration
leaves it out (`cost_filter`, `cost_types`, `time_period_start`, `billing_view_arn`, ...):
it is judged as left out (AWS's default). A configured reference would show at synth
time, where the token is UNKNOWN.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from guards import catalog
from guards.findings import Finding, fail, unknown
from guards.inventory import Resource
from guards.values import UNKNOWN, as_decimal, first_block, is_token

#: Fields that name or label the budget and change nothing of what it measures.
NEUTRAL_FIELDS = frozenset({"name", "name_prefix", "id", "arn", "account_id", "tags", "tags_all"})
#: Fields some check judges (here or in guards.rules.budget).
JUDGED_FIELDS = frozenset(
    {
        "budget_type", "time_unit", "limit_amount", "limit_unit", "notification",
        "cost_filter", "cost_filters", "filter_expression", "billing_view_arn",
        "cost_types", "metrics", "planned_limit", "auto_adjust_data",
        "time_period_start", "time_period_end", "health_status",
    }
)
KNOWN_FIELDS = NEUTRAL_FIELDS | JUDGED_FIELDS

#: cost_types as AWS (and Terraform) default them when a budget leaves them out.
COST_TYPE_DEFAULTS: dict[str, bool] = {
    "include_credit": True,
    "include_discount": True,
    "include_other_subscription": True,
    "include_recurring": True,
    "include_refund": True,
    "include_subscription": True,
    "include_support": True,
    "include_tax": True,
    "include_upfront": True,
    "use_amortized": False,
    "use_blended": False,
}
#: The values that never make spend look lower than what the platform consumes. Credits
#: and refunds net spend down (to zero while promotional credits last) without anything
#: consuming less, so they are excluded; blended and amortized rates spread or average
#: costs away from the month they bill in; tax, support, subscriptions, upfront and
#: recurring fees are real spend. Discounts are a lower price really paid, not a balance
#: that runs out: either value is safe.
SAFE_COST_TYPES: dict[str, frozenset[bool]] = {
    "include_credit": frozenset({False}),
    "include_refund": frozenset({False}),
    "use_blended": frozenset({False}),
    "use_amortized": frozenset({False}),
    "include_discount": frozenset({True, False}),
    "include_other_subscription": frozenset({True}),
    "include_recurring": frozenset({True}),
    "include_subscription": frozenset({True}),
    "include_support": frozenset({True}),
    "include_tax": frozenset({True}),
    "include_upfront": frozenset({True}),
}
#: The cost metric that matches the safe cost types (and Cost Explorer's UnblendedCost).
SAFE_METRICS = (["UnblendedCost"], [])
PRIMARY_BILLING_VIEW = re.compile(r"^arn:aws[a-z-]*:billing::\d{12}:billingview/primary$")
_TF_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})_(\d{2}):(\d{2})$")


def is_set(value: Any) -> bool:
    """Given a value, as opposed to null or an empty block list or map."""
    return value not in (None, "", [], {}) and value != [{}]


def left_to_provider(budget: Resource, name: str) -> bool:
    """A plan's attribute known only after apply and absent from `after`: the provider
    computes it because the configuration does not set it."""
    return name in budget.unknown_values and name not in budget.values


def has_token(value: Any) -> bool:
    if is_token(value):
        return True
    if isinstance(value, dict):
        return any(has_token(item) for item in value.values())
    if isinstance(value, list):
        return any(has_token(item) for item in value)
    return False


def _value(budget: Resource, name: str) -> Any:
    """The field's value, UNKNOWN for a token anywhere in it, None when left out."""
    if left_to_provider(budget, name):
        return None
    value = budget.values.get(name)
    return UNKNOWN if has_token(value) else value


def parse_time(value: str) -> dt.datetime | None:
    """Terraform's `2026-01-01_00:00` (the live collector writes the same), UTC."""
    match = _TF_TIME.match(value.strip())
    if match is None:
        return None
    try:
        return dt.datetime(*(int(part) for part in match.groups()), tzinfo=dt.UTC)
    except ValueError:
        return None


def unknown_fields(budget: Resource) -> Iterator[Finding]:
    """A field the rule does not know may change what is measured or when it fires."""
    for name in sorted(set(budget.values) - KNOWN_FIELDS):
        value = budget.values[name]
        if not is_set(value):
            continue
        outcome = unknown if has_token(value) else fail
        yield outcome(
            catalog.BUDGET_FIELD_UNKNOWN,
            budget.subject,
            budget.stack,
            f"the budget sets {name}, which the budget rule does not know: it may change what the "
            "budget measures or when it fires (fail-closed)",
        )


def _filter_names(name: str, value: Any) -> str:
    if name == "cost_filter" and isinstance(value, list):
        names = [str(item.get("name")) for item in value if isinstance(item, dict) and item.get("name")]
        return f" ({', '.join(sorted(set(names)))})" if names else ""
    if name == "cost_filters" and isinstance(value, dict):
        return f" ({', '.join(sorted(value))})"
    return ""


def scope(budget: Resource) -> Iterator[Finding]:
    """Any filter, or a billing view other than the account's primary one, narrows what the
    budget measures: spend outside it never reaches the ladder."""
    for name in ("cost_filter", "cost_filters", "filter_expression"):
        value = _value(budget, name)
        if value is UNKNOWN:
            yield unknown(catalog.BUDGET_SCOPE_NARROWED, budget.subject, budget.stack, f"{name} known only after apply")
        elif is_set(value):
            yield fail(
                catalog.BUDGET_SCOPE_NARROWED,
                budget.subject,
                budget.stack,
                f"{name}{_filter_names(name, value)} narrows what the budget measures: spend outside the "
                "filter never reaches the alert ladder",
            )
    view = _value(budget, "billing_view_arn")
    if view is UNKNOWN:
        yield unknown(catalog.BUDGET_SCOPE_NARROWED, budget.subject, budget.stack, "billing_view_arn known only after apply")
    elif is_set(view) and not (isinstance(view, str) and PRIMARY_BILLING_VIEW.match(view)):
        yield fail(
            catalog.BUDGET_SCOPE_NARROWED,
            budget.subject,
            budget.stack,
            f"billing_view_arn {view!r} is not the account's primary billing view: a custom view may "
            "leave spend out",
        )


def _flag(value: Any) -> bool | Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def cost_basis(budget: Resource) -> Iterator[Finding]:
    """cost_types (and metrics) at the values that never make spend look lower."""
    code, subject, stack = catalog.BUDGET_COST_TYPES_UNSAFE, budget.subject, budget.stack
    metrics = _value(budget, "metrics")
    if metrics is UNKNOWN:
        yield unknown(code, subject, stack, "metrics known only after apply")
    elif is_set(metrics) and list(metrics) not in SAFE_METRICS:
        yield fail(code, subject, stack, f"metrics {metrics!r} measure spend other than UnblendedCost")
    value = _value(budget, "cost_types")
    if value is UNKNOWN:
        yield unknown(code, subject, stack, "cost_types known only after apply")
        return
    if not is_set(value):
        yield fail(
            code,
            subject,
            stack,
            "cost_types is left out, so AWS's defaults count credits and refunds (include_credit and "
            "include_refund are true), which net actual spend down while the platform still consumes; "
            "set include_credit = false and include_refund = false",
        )
        return
    block = first_block(value)
    strange = sorted(set(block) - set(COST_TYPE_DEFAULTS))
    if strange:
        yield fail(code, subject, stack, f"cost_types sets {', '.join(strange)}, which the rule does not know (fail-closed)")
    unsafe: list[str] = []
    for name, default in COST_TYPE_DEFAULTS.items():
        given = block.get(name)
        flag = default if given is None else _flag(given)
        if has_token(flag):
            yield unknown(code, subject, stack, f"cost_types.{name} known only after apply")
        elif flag not in SAFE_COST_TYPES[name]:
            unsafe.append(f"{name} = {str(flag).lower()}")
    if unsafe:
        yield fail(
            code,
            subject,
            stack,
            f"cost_types make actual spend look lower than what the platform consumes: {', '.join(unsafe)}",
        )


def _planned(budget: Resource) -> tuple[list[dict[str, Any]] | None, bool]:
    """planned_limit entries (None when left out) and whether any is a token."""
    value = _value(budget, "planned_limit")
    if value is UNKNOWN:
        return None, True
    if not is_set(value):
        return None, False
    entries = value if isinstance(value, list) else [value]
    return [entry for entry in entries if isinstance(entry, dict)], False


def planned_cap(budget: Resource) -> Decimal | None:
    """The one amount every planned_limit entry names in USD, when they agree; the cap a
    budget on a schedule really has (its limit_amount is then the current entry's)."""
    entries, tokens = _planned(budget)
    if not entries or tokens:
        return None
    amounts = {as_decimal(entry.get("amount")) for entry in entries}
    units = {entry.get("unit") for entry in entries}
    if len(amounts) == 1 and units == {"USD"}:
        amount = next(iter(amounts))
        return amount if isinstance(amount, Decimal) else None
    return None


def cap_schedule(budget: Resource, cap: Decimal) -> Iterator[Finding]:
    """A schedule of limits overrides limit_amount, and auto-adjusting moves it: the cap is
    the policy's only while every planned entry is it and nothing adjusts it."""
    code, subject, stack = catalog.BUDGET_CAP_MISMATCH, budget.subject, budget.stack
    entries, tokens = _planned(budget)
    if tokens:
        yield unknown(code, subject, stack, "planned_limit known only after apply")
    for entry in entries or []:
        amount, unit = as_decimal(entry.get("amount")), entry.get("unit")
        start = entry.get("start_time")
        if amount is UNKNOWN or has_token(unit) or has_token(start):
            yield unknown(code, subject, stack, "a planned_limit entry is known only after apply")
        elif amount != cap or unit != "USD":
            yield fail(
                code,
                subject,
                stack,
                f"planned_limit from {start} is {entry.get('amount')} {unit}: a schedule of limits overrides "
                f"limit_amount, and the policy's cap is {cap:f} USD",
            )
    adjust = _value(budget, "auto_adjust_data")
    if adjust is UNKNOWN:
        yield unknown(code, subject, stack, "auto_adjust_data known only after apply")
    elif is_set(adjust):
        kind = first_block(adjust).get("auto_adjust_type")
        yield fail(
            code,
            subject,
            stack,
            f"auto_adjust_data ({kind or 'set'}) moves the limit with past or forecast spend, away from the "
            f"policy's {cap:f} USD",
        )


def period(budget: Resource, today: dt.date | None) -> Iterator[Finding]:
    """A budget measures only inside its period: one that has ended or not yet started (or
    that AWS reports unhealthy) alerts on nothing now."""
    code, subject, stack = catalog.BUDGET_INACTIVE, budget.subject, budget.stack
    bounds: dict[str, dt.datetime] = {}
    for name in ("time_period_start", "time_period_end"):
        value = _value(budget, name)
        if value is UNKNOWN:
            yield unknown(code, subject, stack, f"{name} known only after apply")
        elif is_set(value):
            moment = parse_time(value) if isinstance(value, str) else None
            if moment is None:
                yield fail(code, subject, stack, f"{name} {value!r} is not a time the rule can read (fail-closed)")
            else:
                bounds[name] = moment
    start, end = bounds.get("time_period_start"), bounds.get("time_period_end")
    if start and end and end <= start:
        yield fail(code, subject, stack, f"the period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    elif bounds and today is None:
        yield unknown(code, subject, stack, "the budget's period cannot be placed without today's date")
    elif today is not None:
        if start and start.date() > today:
            yield fail(code, subject, stack, f"the budget's period starts on {start:%Y-%m-%d}: it measures nothing until then")
        if end and end.date() <= today:
            yield fail(code, subject, stack, f"the budget's period ended on {end:%Y-%m-%d}: it measures nothing since")
    health = first_block(budget.values.get("health_status"))
    status = health.get("status")
    if status is not None and status != "HEALTHY":
        reason = health.get("status_reason")
        yield fail(
            code, subject, stack, f"AWS reports the budget {status}" + (f" ({reason})" if reason else "") + ": it is not evaluated"
        )

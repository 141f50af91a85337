"""Spend rules: the emergency stop and the cap, judged on what the live collectors read.

The budget's own actual spend is judged against the stop threshold. Separately, the
sources the policy's `cost.scope` requires (AWS, and Confluent when in scope) are added
up and judged against the stop threshold and the cap. A required source without a
figure blocks: a sum with a part missing proves nothing below the thresholds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from guards import catalog
from guards.findings import Finding, error, fail
from guards.inventory import Inventory
from guards.live_facts import Spend
from guards.policy import Policy
from guards.registry import rule, with_passes

CODES = (catalog.BUDGET_STOP_REACHED, catalog.COST_CAP_EXCEEDED, catalog.COST_SOURCE_MISSING)
COMBINED = "spend:combined"
BUDGET = "spend:budget"


def _as_of(records: list[Spend]) -> str:
    """The stalest `data_as_of` among the records: a sum is only as fresh as its oldest part."""
    moments = [r.data_as_of for r in records if r.data_as_of is not None]
    if len(moments) < len(records) or not moments:
        return "data as of unknown"
    return "data as of " + min(moments).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _windows(records: list[Spend]) -> str:
    return ", ".join(f"{r.source} {r.amount_usd:f} USD over [{r.start}, {r.end})" for r in records)


def _total(records: list[Spend]) -> Decimal:
    return sum((r.amount_usd for r in records), Decimal(0))


def _budget_stop(records: list[Spend], policy: Policy) -> list[Finding]:
    stop = policy.budget.stop_threshold_usd
    amount = _total(records)
    if not records or amount < stop:
        return []
    return [
        fail(
            catalog.BUDGET_STOP_REACHED,
            BUDGET,
            policy.budget.stack,
            f"budget {policy.budget.name!r} reports {amount:f} USD actual spend ({_windows(records)}; "
            f"{_as_of(records)}), at or above the emergency stop of {stop:f} USD",
        )
    ]


def _combined(records: list[Spend], policy: Policy) -> list[Finding]:
    amount, stop, cap = _total(records), policy.budget.stop_threshold_usd, policy.budget.limit_usd
    said = f"combined spend {amount:f} USD ({_windows(records)}; {_as_of(records)})"
    findings = []
    if records and amount >= stop:
        findings.append(
            fail(
                catalog.BUDGET_STOP_REACHED,
                COMBINED,
                None,
                f"{said} is at or above the emergency stop of {stop:f} USD",
            )
        )
    if records and amount > cap:
        findings.append(
            fail(catalog.COST_CAP_EXCEEDED, COMBINED, None, f"{said} exceeds the cap of {cap:f} USD")
        )
    return findings


@rule("spend", codes=CODES)
def spend(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Actual and combined spend stay below the emergency stop and the cap."""
    if inventory.live is None:
        return []  # synth and plan lanes have no spend
    cost_read = "cost" in inventory.live.sections_read  # `check live --only backend` judges no spend
    budget = [s for s in inventory.live.spend if s.source == "budget"]
    scoped = [s for s in inventory.live.spend if s.source in policy.cost.scope] if cost_read else []
    # A collector that already said why a source is missing (unset credentials) speaks for it.
    said = {f.subject for f in inventory.live.errors if f.code == catalog.COST_SOURCE_MISSING}
    missing = [
        source for source in policy.cost.scope if cost_read and not any(s.source == source for s in scoped)
    ]
    findings = _budget_stop(budget, policy) + _combined(scoped, policy)
    findings += [
        error(
            catalog.COST_SOURCE_MISSING,
            f"spend:{source}",
            None,
            f"no {source} spend was read, and cost.scope requires it: combined spend "
            "cannot be judged against the stop and the cap (fail-closed)",
        )
        for source in missing
        if f"spend:{source}" not in said
    ]
    # A PASS is said only of what was fully judged: an incomplete sum passes nothing.
    judged = ([catalog.COST_SOURCE_MISSING] + ([catalog.BUDGET_STOP_REACHED, catalog.COST_CAP_EXCEEDED] if not missing else [])) if cost_read else []
    return with_passes(findings, judged, len(budget) + len(scoped), "spend records")

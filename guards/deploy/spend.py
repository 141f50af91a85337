"""The deploy's spend gate: nothing is planned once spend has reached the emergency stop.

The same reads `check live` makes (the budget's actual spend; Cost Explorer and Confluent
as `cost.scope` says) are judged by the same spend rule, and a figure that cannot be read
blocks as firmly as one past the stop: a deploy that cannot show spend is below the stop
does not start. Core's first deploy (`--bootstrap`) has no budget yet, since core creates
it, so only the scoped sources are asked of it. Teardown is never gated: it lowers spend.
"""

from __future__ import annotations

from guards import catalog
from guards.findings import Finding, error
from guards.inventory import Inventory
from guards.policy import Policy
from guards.rules.spend import BUDGET, spend

#: Read failures that leave a spend figure unknown (the budget's notifications are not spend).
SPEND_READ_CODES = frozenset({
    catalog.BUDGET_STOP_REACHED, catalog.BUDGET_MISSING, catalog.COST_QUERY_FAILED, catalog.COST_SOURCE_MISSING,
})


def spend_gate(inventory: Inventory, policy: Policy, *, budget_required: bool = True) -> list[Finding]:
    """The spend rule's findings, the errors that left a spend figure unread, and an
    ERROR when the budget's actual spend was not read at all (unless not `budget_required`)."""
    live = inventory.live
    if live is None or not {"budget", "cost"} <= live.sections_read:
        return [error(catalog.BUDGET_STOP_REACHED, BUDGET, policy.budget.stack, "spend was not read: the deploy cannot show it is below the emergency stop (fail-closed)")]
    findings = [*spend(inventory, policy), *(f for f in live.errors if f.code in SPEND_READ_CODES)]
    budget_read = any(record.source == "budget" for record in live.spend)
    already_said = any(f.code == catalog.BUDGET_STOP_REACHED and f.subject == BUDGET for f in findings)
    if budget_required and not budget_read and not already_said:
        findings.append(
            error(
                catalog.BUDGET_STOP_REACHED,
                BUDGET,
                policy.budget.stack,
                f"budget {policy.budget.name!r} reported no actual spend (does it exist? `stackguard deploy core` "
                "creates it): the deploy cannot show spend is below the emergency stop (fail-closed)",
            )
        )
    return findings

"""The always-on estimate: what the stacks that may stay up cost per month, against the stop.

Ephemeral stacks are torn down, so only persistent ones (and those whose lifecycle is
unknown: fail-closed) count. The figure is an estimate from dated list prices; a line
without a figure makes the sum a lower bound, which is UNKNOWN unless it already exceeds.
"""

from __future__ import annotations

from guards import catalog
from guards.estimate import estimate, load_prices
from guards.estimate.model import Estimate, usd
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory
from guards.policy import Policy
from guards.registry import rule, with_passes

SUBJECT = "estimate:always-on"


def _stacks(result: Estimate) -> str:
    return ", ".join(f"{s.stack or '(no stack)'} {usd(s.total_usd)}" for s in result.always_on) or "none"


def judge(result: Estimate) -> list[Finding]:
    """FAIL above the stop, UNKNOWN when the sum is only a lower bound, nothing otherwise."""
    total, stop = result.always_on_usd, result.stop_usd
    said = f"always-on estimate {usd(total)} USD a month ({_stacks(result)}; {result.disclaimer})"
    if total > stop:
        return [fail(catalog.ALWAYS_ON_ESTIMATE_OVER_STOP, SUBJECT, None, f"{said} exceeds the emergency stop of {usd(stop)} USD")]
    missing = [line for stack in result.always_on for line in stack.unknown]
    if missing:
        named = ", ".join(f"{line.address} ({line.billed})" for line in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        return [
            unknown(
                catalog.ALWAYS_ON_ESTIMATE_OVER_STOP, SUBJECT, None,
                f"{said} is a lower bound: {named}{more} known only after apply or not in the price table",
            )
        ]
    return []


@rule("always-on-estimate", codes=(catalog.ALWAYS_ON_ESTIMATE_OVER_STOP,))
def always_on_estimate(inventory: Inventory, policy: Policy) -> list[Finding]:
    """What the stacks that may stay up cost per month, at list prices, stays below the stop."""
    if inventory.live is not None:
        return []  # the live lane reads actual spend instead
    result = estimate(inventory, policy, load_prices())
    lines = sum(len(stack.lines) for stack in result.always_on)
    return with_passes(judge(result), (catalog.ALWAYS_ON_ESTIMATE_OVER_STOP,), lines, "always-on cost lines")

"""`stackguard estimate` as a table of at most 80 columns, or as JSON.

Plain fixed-width text (no markup, no wrapping), so CI logs stay greppable.
"""

from __future__ import annotations

import json

from guards.estimate.model import Estimate, Line, StackEstimate, usd

WIDTH = 80
ADDRESS, BILLED, QUANTITY, MONTHLY = 30, 23, 12, 10
CUT = "..."


def _fit(text: str, width: int) -> str:
    """The tail of a long address (its resource name) matters most: cut the front."""
    return text if len(text) <= width else CUT + text[-(width - len(CUT)):]


def _quantity(line: Line) -> str:
    if line.quantity is None:
        return "unknown"
    return f"{line.quantity.normalize():f} {line.unit}".strip()


def _row(address: str, billed: str, quantity: str, monthly: str) -> str:
    return (
        f"  {_fit(address, ADDRESS):<{ADDRESS}} {_fit(billed, BILLED):<{BILLED}} "
        f"{_fit(quantity, QUANTITY):>{QUANTITY}} {monthly:>{MONTHLY}}"
    )


def _verdict(stack: StackEstimate, result: Estimate) -> str:
    total = stack.total_usd
    bound = "at least " if not stack.complete else ""
    where = (
        "over the cap" if total > result.cap_usd
        else "over the stop" if total > result.stop_usd
        else "under the stop"
    )
    return f"{bound}{usd(total)} USD a month, {where}"


def _stack(stack: StackEstimate, result: Estimate) -> list[str]:
    name = f"{stack.stack or '(no stack)'} ({stack.lifecycle or 'unknown lifecycle'})"
    out = [f"{name}: {_verdict(stack, result)}"]
    if stack.lines:
        out.append(_row("address", "billed", "quantity", "USD/month"))
    for line in stack.lines:
        out.append(_row(line.address, line.billed, _quantity(line), usd(line.monthly_usd) or "unknown"))
        if line.note:
            out.append(f"    {_fit(line.note, WIDTH - 4)}")
    if stack.usage:
        out.append(f"  billed by use, not estimated: {len(stack.usage)} (see --format json)")
    return out


def render_text(result: Estimate) -> str:
    lines = [
        f"Monthly estimate if left running ({result.hours_per_month.normalize():f} h a month):",
        f"{result.disclaimer}.",
        "",
    ]
    for stack in result.stacks:
        lines += [*_stack(stack, result), ""]
    always_on = ", ".join(s.stack or "(no stack)" for s in result.always_on) or "none"
    lines.append(f"Always on ({always_on}): {usd(result.always_on_usd)} USD a month.")
    lines.append(f"Stop {usd(result.stop_usd)} USD, cap {usd(result.cap_usd)} USD (policy.toml [budget]).")
    return "\n".join(lines) + "\n"


def render_json(result: Estimate) -> str:
    return json.dumps(result.as_json(), indent=2, sort_keys=True) + "\n"

"""What an estimate is made of: one line per billed quantity, totals per stack.

A line whose quantity or price is not known (a token, a class missing from the price
table) has no monthly figure: the stack's total is then a lower bound, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")


def usd(amount: Decimal | None) -> str | None:
    """Two decimals, as shown and recorded; None stays None (unknown)."""
    return None if amount is None else f"{amount.quantize(CENT):f}"


@dataclass(frozen=True, slots=True)
class Line:
    """One billed quantity of one resource, left running for a month."""

    address: str
    key: str  # the price table's key, e.g. "fargate.vcpu"
    billed: str  # what is billed, e.g. "Fargate vCPU"
    quantity: Decimal | None  # None: known only after apply
    unit: str
    unit_usd: Decimal | None  # None: not in the price table
    per: str  # "hour" or "month"
    monthly_usd: Decimal | None  # None when quantity or price is unknown
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "billed": self.billed,
            "price_key": self.key,
            "quantity": None if self.quantity is None else f"{self.quantity.normalize():f}",
            "unit": self.unit,
            "unit_usd": None if self.unit_usd is None else f"{self.unit_usd:f}",
            "per": self.per,
            "monthly_usd": usd(self.monthly_usd),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class StackEstimate:
    """A stack's lines; `always_on` unless its lifecycle is ephemeral (unknown counts as
    always-on: fail-closed)."""

    stack: str | None
    lifecycle: str | None
    lines: tuple[Line, ...] = ()
    usage: tuple[str, ...] = field(default=())  # "address: what bills by use, not estimated"

    @property
    def always_on(self) -> bool:
        return self.lifecycle != "ephemeral"

    @property
    def total_usd(self) -> Decimal:
        """The sum of the lines with a figure: a lower bound when `complete` is False."""
        return sum((line.monthly_usd for line in self.lines if line.monthly_usd is not None), Decimal(0))

    @property
    def unknown(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.monthly_usd is None)

    @property
    def complete(self) -> bool:
        return not self.unknown

    def summary(self) -> dict[str, Any]:
        return {
            "lifecycle": self.lifecycle,
            "monthly_usd": usd(self.total_usd),
            "complete": self.complete,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            **self.summary(),
            "lines": [line.as_json() for line in self.lines],
            "usage_not_estimated": list(self.usage),
        }


@dataclass(frozen=True, slots=True)
class Estimate:
    """Every stack's estimate against the policy's cap and stop threshold."""

    region: str
    as_of: str
    disclaimer: str
    hours_per_month: Decimal
    cap_usd: Decimal
    stop_usd: Decimal
    stacks: tuple[StackEstimate, ...]

    @property
    def always_on(self) -> tuple[StackEstimate, ...]:
        return tuple(stack for stack in self.stacks if stack.always_on)

    @property
    def always_on_usd(self) -> Decimal:
        return sum((stack.total_usd for stack in self.always_on), Decimal(0))

    def details(self) -> dict[str, Any]:
        """Per-stack totals for a snapshot's `details.estimate`."""
        return {
            "prices": self.disclaimer,
            "cap_usd": usd(self.cap_usd),
            "stop_usd": usd(self.stop_usd),
            "always_on_usd": usd(self.always_on_usd),
            "stacks": {stack.stack or "(unnamed)": stack.summary() for stack in self.stacks},
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "as_of": self.as_of,
            "prices": self.disclaimer,
            "hours_per_month": f"{self.hours_per_month:f}",
            "cap_usd": usd(self.cap_usd),
            "stop_usd": usd(self.stop_usd),
            "always_on_usd": usd(self.always_on_usd),
            "stacks": [stack.as_json() for stack in self.stacks],
        }

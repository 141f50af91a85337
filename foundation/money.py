"""Amounts read from billing APIs: a Decimal, and finite, or refused.

`Decimal("NaN")` and `Decimal("Infinity")` parse without complaint, and a NaN compares
false with every threshold, so a stop would never fire: they are malformed answers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def finite_amount(value: Any) -> Decimal:
    """`Decimal(value)` when it is a finite number; InvalidOperation otherwise."""
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidOperation(f"{value!r} is not a finite amount")
    return amount

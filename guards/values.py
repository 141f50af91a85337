"""Reading attribute values that may be unresolved: tokens, unknowns, sensitive markers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from guards.inventory import Resource

SENSITIVE = "(sensitive)"


class Unknown:
    """A value that is only known after apply (a `${...}` token or an `after_unknown`)."""

    def __repr__(self) -> str:
        return "<known after apply>"


UNKNOWN = Unknown()


def is_token(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def attribute(resource: Resource, name: str, default: Any = None) -> Any:
    """The attribute's value, UNKNOWN when it is an unresolved token or known after apply."""
    if name in resource.unknown_values:
        return UNKNOWN
    value = resource.values.get(name, default)
    return UNKNOWN if is_token(value) else value


def as_decimal(value: Any) -> Decimal | None | Unknown:
    """`"30"`, `"30.0"`, `30` and `30.0` are the same amount; tokens are UNKNOWN."""
    if value is UNKNOWN or is_token(value):
        return UNKNOWN
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value)).normalize()
    except InvalidOperation:
        return None


def first_block(value: Any) -> dict[str, Any]:
    """Nested blocks are lists of one dict in plans and sometimes in synth; take the dict."""
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}

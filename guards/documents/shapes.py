"""Typed reads of untrusted JSON: a wrong type anywhere becomes an InputError, never a KeyError.

`where` is a structural path such as `resource_changes[3].change.actions`; it names where the
problem is without quoting any value.
"""

from __future__ import annotations

from typing import Any

from guards.documents.errors import InputError


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def wrong_type(where: str, expected: str, value: Any) -> InputError:
    return InputError(f"{where} must be {expected}, found {kind_of(value)}")


def as_dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise wrong_type(where, "an object", value)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise wrong_type(where, "a list", value)
    return value


def as_str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise wrong_type(where, "a string", value)
    return value


def opt_dict(value: Any, where: str) -> dict[str, Any]:
    """An object that may be null or absent (read as empty)."""
    return {} if value is None else as_dict(value, where)


def opt_list(value: Any, where: str) -> list[Any]:
    """A list that may be null or absent (read as empty)."""
    return [] if value is None else as_list(value, where)


def opt_str(value: Any, where: str) -> str | None:
    return None if value is None else as_str(value, where)


def opt_index(value: Any, where: str) -> int | str | None:
    """A count index (int) or a for_each key (str)."""
    if (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and not isinstance(value, bool))
    ):
        return value
    raise wrong_type(where, "a whole number or a string", value)


def opt_mode(value: Any, where: str) -> str | None:
    if value is None or value in ("managed", "data"):
        return value
    raise InputError(f'{where} must be "managed" or "data"')

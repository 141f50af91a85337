"""Keep sensitive values out of the inventory.

Terraform marks sensitive leaves with mirrors (`after_sensitive`, `sensitive_values`: false,
{} or nested objects/lists with `true` leaves) or, in raw state, with attribute paths.
A marked leaf becomes the string "(sensitive)"; where a mirror does not fit the value's
shape, the whole value is hidden (fail closed).
"""

from __future__ import annotations

from typing import Any

from guards.documents.errors import InputError
from guards.documents.shapes import as_dict, as_list, wrong_type

SENSITIVE = "(sensitive)"
NOTHING: frozenset[str] = frozenset()


def has_true(mirror: Any, where: str) -> bool:
    """Whether a mirror marks anything; a mirror holds only true/false/null, objects and lists."""
    pending = [mirror]
    while pending:
        node = pending.pop()
        if node is True:
            return True
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif node is not False and node is not None:
            raise InputError(
                f"{where} must hold only true/false marks, found {type(node).__name__}"
            )
    return False


def marked_keys(mirror: Any, where: str) -> frozenset[str]:
    """Top-level keys a mirror marks (or marks something inside)."""
    if mirror is None or mirror is False:
        return NOTHING
    marks = as_dict(mirror, where)
    return frozenset(key for key, mark in marks.items() if has_true(mark, where))


def _mask(value: Any, mirror: Any, where: str) -> Any:
    if value is None:
        return None
    if mirror is True:
        return SENSITIVE
    if not has_true(mirror, where):
        return value
    if isinstance(mirror, dict) and isinstance(value, dict):
        return {key: _mask(item, mirror.get(key), where) for key, item in value.items()}
    if isinstance(mirror, list) and isinstance(value, list):
        return [
            _mask(item, mirror[position] if position < len(mirror) else None, where)
            for position, item in enumerate(value)
        ]
    return SENSITIVE


def mask_by_mirror(
    values: dict[str, Any], mirror: Any, where: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """`values` with marked leaves hidden, and the top-level keys that were marked.

    Returns `values` itself (no copy) when nothing is marked.
    """
    if mirror is True:
        return {key: SENSITIVE for key in values}, frozenset(values)
    if mirror is not None and mirror is not False and not isinstance(mirror, dict):
        raise wrong_type(where, "an object or a boolean", mirror)
    keys = marked_keys(mirror, where)
    if not keys:
        return values, NOTHING
    masked = dict(values)
    for key in keys:
        if key in masked:
            masked[key] = _mask(masked[key], mirror[key], where)
    return masked, keys


def _step_key(step: Any, where: str) -> tuple[bool, Any]:
    """(understood, key) of one raw-state path step."""
    step = as_dict(step, where)
    kind = step.get("type")
    if kind == "get_attr":
        name = step.get("value")
        return (True, name) if isinstance(name, str) else (False, None)
    if kind == "index":
        index = step.get("value")
        key = index.get("value") if isinstance(index, dict) else index
        if isinstance(key, bool):
            return False, None
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        return (True, key) if isinstance(key, (int, str)) else (False, None)
    return False, None


def _mask_path(node: Any, steps: list[Any], where: str) -> Any:
    if node is None:
        return None
    if not steps:
        return SENSITIVE
    understood, key = _step_key(steps[0], where)
    if not understood:
        return SENSITIVE
    if isinstance(node, dict) and isinstance(key, str):
        if key not in node:
            return node
        copy = dict(node)
        copy[key] = _mask_path(node[key], steps[1:], where)
        return copy
    if isinstance(node, list) and isinstance(key, int):
        if not 0 <= key < len(node):
            return node
        copy = list(node)
        copy[key] = _mask_path(node[key], steps[1:], where)
        return copy
    return SENSITIVE


def mask_by_paths(
    values: dict[str, Any], paths: list[Any], where: str
) -> tuple[dict[str, Any], frozenset[str]]:
    """Raw state (`sensitive_attributes`): hide the value at each path of steps.

    A path whose first step is not an attribute name hides every value (fail closed).
    """
    keys: set[str] = set()
    copied = False
    for position, path in enumerate(paths):
        steps = as_list(path, f"{where}[{position}]")
        if not steps:
            continue
        understood, first = _step_key(steps[0], f"{where}[{position}][0]")
        if not understood or not isinstance(first, str):
            return {key: SENSITIVE for key in values}, frozenset(values)
        keys.add(first)
        if first in values:
            if not copied:
                values, copied = dict(values), True
            values[first] = _mask_path(values[first], steps[1:], f"{where}[{position}]")
    return values, frozenset(keys)

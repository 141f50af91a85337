"""`terraform show -json PLANFILE` (format_version 0.1 to 1.x) -> Inventory.

What counts is the infrastructure after apply: each `resource_changes` entry becomes one
Resource whose values are `change.after` (`change.before` for delete/forget), sensitive
leaves hidden. `resource_changes` is streamed element by element (see toplevel.py).
"""

from __future__ import annotations

from typing import Any

from guards.documents.errors import InputError
from guards.documents.identity import identify
from guards.documents.loading import REMEDIES
from guards.documents.module_tree import (
    iter_module_entries,
    literal_region,
    region_of_arn,
    resource_from_entry,
    short_provider,
)
from guards.documents.sensitivity import NOTHING, has_true, mask_by_mirror
from guards.documents.shapes import as_dict, as_list, opt_dict, wrong_type
from guards.documents.sink import ResourceSink
from guards.documents.toplevel import TopLevel
from guards.inventory import Action, Inventory, Resource

ACTIONS: dict[tuple[str | None, ...], Action] = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("no-op",): "no-op",
    ("read",): "read",
    ("forget",): "forget",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    # TF 1.7+ `removed { lifecycle { destroy = false } }` on a replaced instance: a new
    # object exists after apply, the old one is left unmanaged.
    ("create", "forget"): "replace",
    ("forget", "create"): "replace",
}
#: Actions whose resource is described by `change.before` (nothing exists after apply).
_DESCRIBED_BY_BEFORE = frozenset({"delete", "forget"})
#: Action given to resources read from planned_values when resource_changes is absent:
#: without a change record the tool cannot prove the resource already exists (fail closed).
FALLBACK_ACTION: Action = "create"

SUPPORTED_FORMAT_MAJORS = ("0", "1")


def normalize_action(actions: Any, where: str) -> Action:
    names = as_list(actions, where)
    key = tuple(name if isinstance(name, str) else None for name in names)
    action = ACTIONS.get(key)
    if action is None:
        shown = "+".join(name[:20] for name in key if name) or "none"
        raise InputError(f"{where} lists actions terraform does not plan ({shown})")
    return action


def unknown_keys(after_unknown: Any, values: dict[str, Any], where: str) -> frozenset[str]:
    """Top-level keys known only after apply (`true`, or containing `true`, in after_unknown)."""
    if after_unknown is None or after_unknown is False:
        return NOTHING
    if after_unknown is True:
        return frozenset(values)
    marks = as_dict(after_unknown, where)
    return frozenset(key for key, mark in marks.items() if has_true(mark, where))


def resource_from_change(entry: Any, stack: str | None, where: str) -> Resource:
    entry = as_dict(entry, where)
    identity = identify(entry, where)
    change = as_dict(entry.get("change"), f"{where}.change")
    action = normalize_action(change.get("actions"), f"{where}.change.actions")
    side = "before" if action in _DESCRIBED_BY_BEFORE else "after"
    values = opt_dict(change.get(side), f"{where}.change.{side}")
    values, sensitive = mask_by_mirror(
        values, change.get(f"{side}_sensitive"), f"{where}.change.{side}_sensitive"
    )
    unknown = (
        NOTHING
        if side == "before"
        else unknown_keys(change.get("after_unknown"), values, f"{where}.change.after_unknown")
    )
    return Resource(
        stack=stack,
        type=identity.type,
        name=identity.name,
        source="plan",
        module_path=identity.module_path,
        index=identity.index,
        mode=identity.mode,  # type: ignore[arg-type]
        values=values,
        unknown_values=unknown,
        action=action,
        provider=short_provider(
            entry.get("provider_name"), identity.type, f"{where}.provider_name"
        ),
        region=literal_region(values) or region_of_arn(values.get("arn")),
        sensitive_paths=sensitive,
    )


def change_sink(stack: str | None) -> ResourceSink:
    """A sink for streamed `resource_changes` elements."""
    return ResourceSink(
        stack,
        "resource_changes",
        lambda element, stack, where: (resource_from_change(element, stack, where),),
    )


def check_format_version(value: Any, what: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise wrong_type("format_version", "a string", value)
    if value.split(".", 1)[0] not in SUPPORTED_FORMAT_MAJORS:
        raise InputError(f"{what} format_version {value[:10]} is not supported (0.x and 1.x are)")


def _refuse_errored() -> InputError:
    return InputError(
        "the plan errored (errored: true) and does not describe the infrastructure",
        "fix the errors terraform reported, then " + REMEDIES["plan"],
    )


def _fallback_resources(planned_values: Any, stack: str | None) -> list[Resource]:
    """Resources of planned_values.root_module, for plans without resource_changes."""
    planned = opt_dict(planned_values, "planned_values")
    return [
        resource_from_entry(
            entry, module_path, where, stack=stack, source="plan", action=FALLBACK_ACTION
        )
        for module_path, entry, where in iter_module_entries(
            planned.get("root_module"), "planned_values.root_module"
        )
    ]


def plan_inventory(top: TopLevel, changes: ResourceSink, stack: str | None) -> Inventory:
    """Finish a plan whose `resource_changes` went through `changes`."""
    if top.members.get("errored") is True:
        raise _refuse_errored()
    check_format_version(top.members.get("format_version"), "plan")
    if "resource_changes" in top.streamed:
        if changes.error is not None:
            raise changes.error
        resources = changes.resources
    elif top.members.get("resource_changes") is not None:
        raise wrong_type("resource_changes", "a list", top.members["resource_changes"])
    elif "planned_values" in top.keys:
        resources = _fallback_resources(top.reread("planned_values"), stack)
    else:
        resources = []
    return Inventory(resources=resources, stacks=[stack] if stack else [])


def collect_plan(document: Any, stack: str | None = None) -> Inventory:
    """A plan already decoded into a dict (tests, callers holding JSON in memory)."""
    document = as_dict(document, "the document")
    top = TopLevel(members=dict(document), keys=list(document))
    changes = change_sink(stack)
    entries = document.get("resource_changes")
    if isinstance(entries, list):
        top.streamed.add("resource_changes")
        for position, entry in enumerate(entries):
            changes(position, entry)
    return plan_inventory(top, changes, stack)

"""Resources of a `root_module` tree (state `values`, plan `planned_values`).

Walked with an explicit stack: module trees can be deep and must not exhaust recursion.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guards.documents.errors import InputError
from guards.documents.identity import identify
from guards.documents.sensitivity import mask_by_mirror
from guards.documents.shapes import as_dict, opt_dict, opt_list, opt_str
from guards.inventory import Action, Resource, Source


def iter_module_entries(root_module: Any, where: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(module path, resource entry, where) for every resource in the tree."""
    pending: list[tuple[Any, str, str]] = [(root_module, "", where)]
    while pending:
        module, inherited_path, module_where = pending.pop()
        module = opt_dict(module, module_where)
        path = opt_str(module.get("address"), f"{module_where}.address") or inherited_path
        for position, entry in enumerate(
            opt_list(module.get("resources"), f"{module_where}.resources")
        ):
            entry_where = f"{module_where}.resources[{position}]"
            yield path, as_dict(entry, entry_where), entry_where
        children = opt_list(module.get("child_modules"), f"{module_where}.child_modules")
        for position in range(len(children) - 1, -1, -1):
            pending.append((children[position], path, f"{module_where}.child_modules[{position}]"))


def short_provider(provider_name: Any, rtype: str, where: str) -> str:
    """`registry.terraform.io/hashicorp/aws` -> `aws`; without one, the type's implied provider."""
    name = opt_str(provider_name, where)
    short = name.rsplit("/", 1)[-1] if name else ""
    return short or rtype.split("_", 1)[0]


def literal_region(values: dict[str, Any]) -> str | None:
    region = values.get("region")
    return (
        region
        if isinstance(region, str) and region and "${" not in region and region != "(sensitive)"
        else None
    )


def resource_from_entry(
    entry: dict[str, Any],
    module_path: str,
    where: str,
    *,
    stack: str | None,
    source: Source,
    action: Action | None,
) -> Resource:
    """A Resource from a `root_module` entry (`values` masked by `sensitive_values`)."""
    identity = identify(entry, where, module_path or None)
    values = opt_dict(entry.get("values"), f"{where}.values")
    values, sensitive = mask_by_mirror(
        values, entry.get("sensitive_values"), f"{where}.sensitive_values"
    )
    arn = values.get("arn") if source == "state" else None
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        arn = None
    if identity.module_path != module_path and module_path and identity.module_path:
        raise InputError(f"{where}.address is outside its module")
    return Resource(
        stack=stack,
        type=identity.type,
        name=identity.name,
        source=source,
        module_path=identity.module_path or module_path,
        index=identity.index,
        mode=identity.mode,  # type: ignore[arg-type]
        values=values,
        action=action,
        provider=short_provider(
            entry.get("provider_name"), identity.type, f"{where}.provider_name"
        ),
        arn=arn,
        region=literal_region(values) or region_of_arn(values.get("arn")),
        sensitive_paths=sensitive,
    )


def region_of_arn(arn: Any) -> str | None:
    """`arn:aws:ec2:us-east-1:123:instance/i-1` -> `us-east-1`."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) == 6 else None

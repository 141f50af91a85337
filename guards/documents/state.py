"""Terraform state -> Inventory.

Three shapes: `terraform show -json` state (`values.root_module`), raw state files version 4
(as stored in the S3 backend: `resources[].instances[]`), and the backend cache
`.terraform/terraform.tfstate` (the backend a working directory was initialised with).
"""

from __future__ import annotations

import re
from typing import Any

from guards.documents.credentials import redact_credentials
from guards.documents.errors import InputError
from guards.documents.module_tree import (
    iter_module_entries,
    literal_region,
    region_of_arn,
    resource_from_entry,
)
from guards.documents.plan import check_format_version
from guards.documents.sensitivity import mask_by_paths
from guards.documents.shapes import (
    as_dict,
    as_str,
    opt_dict,
    opt_index,
    opt_list,
    opt_mode,
    opt_str,
    wrong_type,
)
from guards.documents.sink import ResourceSink
from guards.documents.toplevel import TopLevel
from guards.inventory import Backend, Inventory, Resource

SUPPORTED_RAW_VERSION = 4
_PROVIDER_ADDRESS = re.compile(
    r'(?:^|\.)provider\["(?:[^"/]*/)*([^"/]+)"\](?:\.([A-Za-z0-9_-]+))?$'
)
_LEGACY_PROVIDER_ADDRESS = re.compile(r"(?:^|\.)provider\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?$")


def provider_key(address: Any, where: str) -> str | None:
    """`provider["registry.terraform.io/hashicorp/aws"].west` -> `aws.west`."""
    text = opt_str(address, where)
    if not text:
        return None
    match = _PROVIDER_ADDRESS.search(text) or _LEGACY_PROVIDER_ADDRESS.search(text)
    if match is None:
        return None
    name, alias = match.groups()
    return f"{name}.{alias}" if alias else name


def _arn(values: dict[str, Any]) -> str | None:
    arn = values.get("arn")
    return arn if isinstance(arn, str) and arn.startswith("arn:") else None


def resources_from_raw_entry(entry: Any, stack: str | None, where: str) -> list[Resource]:
    """All instances of one raw-state `resources[]` entry."""
    entry = as_dict(entry, where)
    rtype = as_str(entry.get("type"), f"{where}.type")
    name = as_str(entry.get("name"), f"{where}.name")
    mode = opt_mode(entry.get("mode"), f"{where}.mode") or "managed"
    module_path = opt_str(entry.get("module"), f"{where}.module") or ""
    provider = provider_key(entry.get("provider"), f"{where}.provider")
    resources = []
    for position, instance in enumerate(opt_list(entry.get("instances"), f"{where}.instances")):
        instance_where = f"{where}.instances[{position}]"
        instance = as_dict(instance, instance_where)
        values = opt_dict(instance.get("attributes"), f"{instance_where}.attributes")
        values, sensitive = mask_by_paths(
            values,
            opt_list(
                instance.get("sensitive_attributes"), f"{instance_where}.sensitive_attributes"
            ),
            f"{instance_where}.sensitive_attributes",
        )
        arn = _arn(values)
        resources.append(
            Resource(
                stack=stack,
                type=rtype,
                name=name,
                source="state",
                module_path=module_path,
                index=opt_index(instance.get("index_key"), f"{instance_where}.index_key"),
                mode=mode,  # type: ignore[arg-type]
                values=values,
                provider=provider,
                arn=arn,
                region=literal_region(values) or region_of_arn(arn),
                sensitive_paths=sensitive,
            )
        )
    return resources


def raw_state_sink(stack: str | None) -> ResourceSink:
    """A sink for streamed raw-state `resources` elements."""
    return ResourceSink(stack, "resources", resources_from_raw_entry)


def raw_state_inventory(top: TopLevel, entries: ResourceSink, stack: str | None) -> Inventory:
    version = top.members.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise wrong_type("version", "a number", version)
    if version != SUPPORTED_RAW_VERSION:
        raise InputError(
            f"raw terraform state version {version} is not supported (only version 4)",
            "upgrade the state with Terraform 0.12 or later, or pass `terraform show -json` output",
        )
    if "resources" in top.streamed:
        if entries.error is not None:
            raise entries.error
        resources = entries.resources
    else:
        resources = []
        for position, entry in enumerate(opt_list(top.members.get("resources"), "resources")):
            resources.extend(resources_from_raw_entry(entry, stack, f"resources[{position}]"))
    return Inventory(resources=resources, stacks=[stack] if stack else [])


def state_inventory(top: TopLevel, stack: str | None) -> Inventory:
    """`terraform show -json` state: `values.root_module` with nested `child_modules`."""
    check_format_version(top.members.get("format_version"), "state")
    values = opt_dict(top.members.get("values"), "values")
    resources = [
        resource_from_entry(entry, module_path, where, stack=stack, source="state", action=None)
        for module_path, entry, where in iter_module_entries(
            values.get("root_module"), "values.root_module"
        )
    ]
    return Inventory(resources=resources, stacks=[stack] if stack else [])


def backend_cache_inventory(top: TopLevel, stack: str | None) -> Inventory:
    """`.terraform/terraform.tfstate`: the backend type and config (explicit nulls kept)."""
    backend = as_dict(top.members.get("backend"), "backend")
    backend_type = as_str(backend.get("type"), "backend.type")
    config, _ = redact_credentials(opt_dict(backend.get("config"), "backend.config"))
    return Inventory(
        backends=[Backend(stack=stack, type=backend_type, config=config)],
        stacks=[stack] if stack else [],
    )

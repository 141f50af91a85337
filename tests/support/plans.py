"""`terraform show -json` documents and raw S3 states built from this project's synth, for
the fake terraform to serve and the backend to hold."""

from __future__ import annotations

import json
import re
from typing import Any

from stacks.config import load_config
from tests.conftest import CONFIG_FILE

CONFIG = load_config(CONFIG_FILE)
REGION = CONFIG.region
ACCOUNT = "123456789012"  # moto's default account
PROVIDER = "registry.terraform.io/hashicorp/aws"
META = {"//", "count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
EMPTY_STATE = {"format_version": "1.0", "terraform_version": "1.9.8"}


def _has_token(value: Any) -> bool:
    return "${" in json.dumps(value)


def plan_change(rtype: str, name: str, before: dict | None, actions: list[str], *, mode="managed", module="") -> dict:
    """One `resource_changes` entry: `after` is None for a delete, else `before` again."""
    local = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
    entry = {
        "address": f"{module}.{local}" if module else local,
        "mode": mode,
        "type": rtype,
        "name": name,
        "provider_name": PROVIDER,
        "change": {"actions": actions, "before": before, "after": None if actions == ["delete"] else before},
    }
    if module:
        entry["module_address"] = module
    return entry


def created(rtype: str, name: str, after: dict) -> dict:
    return {
        "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
        "provider_name": PROVIDER, "change": {"actions": ["create"], "before": None, "after": after},
    }


def physical_before(stack: str, rtype: str, name: str, block: dict) -> dict:
    """What terraform shows as `before` for a resource of our synth: its literal values,
    with the id, ARN and tags that exist only once it is applied."""
    tags = {"project": CONFIG.project, "environment": CONFIG.environment, "stack": stack}
    values = {k: v for k, v in block.items() if k not in META and not _has_token(v)}
    service = rtype.split("_")[1]
    return {**values, "id": f"{name}-id", "arn": f"arn:aws:{service}:{REGION}:{ACCOUNT}:{rtype}/{name}", "tags_all": tags}


def destroy_plan(stack_json: dict, stack: str, *, extra: list[dict] = ()) -> dict:
    """A `terraform show -json` destroy plan for every resource of one synthesized stack."""
    changes = [
        plan_change(rtype, name, physical_before(stack, rtype, name, block), ["delete"])
        for rtype, blocks in stack_json.get("resource", {}).items()
        for name, block in blocks.items()
    ]
    changes += [
        plan_change(rtype, name, None, ["read"], mode="data")
        for rtype, blocks in stack_json.get("data", {}).items()
        for name in blocks
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [*changes, *extra]}


_REFERENCE = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$")
_ACCOUNT = "${data.aws_caller_identity.current.account_id}"


def _resolved(value, resources: dict | None = None):
    """Synth values with `${...}` references resolved as a plan shows them: a configured
    attribute of the stack (a name) and the caller's account as themselves, anything else
    as a value known after apply."""
    if isinstance(value, str) and "${" in value:
        match = _REFERENCE.match(value)
        found = (resources or {}).get(match.group(1), {}).get(match.group(2), {}).get(match.group(3)) if match else None
        if isinstance(found, str) and "${" not in found:
            return found
        if value.replace(_ACCOUNT, "123456789012") != value and "${" not in value.replace(_ACCOUNT, ""):
            return value.replace(_ACCOUNT, "123456789012")
        return f"arn:aws:sns:{REGION}:123456789012:resolved"
    if isinstance(value, list):
        return [_resolved(item, resources) for item in value]
    if isinstance(value, dict):
        return {key: _resolved(item, resources) for key, item in value.items()}
    return value


def create_plan(stack_json: dict, stack: str, *, extra: list[dict] = ()) -> dict:
    """A `terraform show -json` plan creating every resource of one synthesized stack, as
    it looks once references are resolved and the provider's default tags are merged."""
    default_tags = stack_json["provider"]["aws"][0].get("default_tags", [{}])[0].get("tags", {})
    changes = [
        created(rtype, name, {
            **physical_before(stack, rtype, name, block),
            **_resolved({k: v for k, v in block.items() if k not in META}, stack_json.get("resource", {})),
            "tags_all": {**default_tags, **block.get("tags", {})},
        })
        for rtype, blocks in stack_json.get("resource", {}).items()
        for name, block in blocks.items()
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [*changes, *extra]}


def state_of(plan: dict, keep: set[str] | None = None) -> dict:
    """`terraform show -json` state holding the plan's managed resources (or those in `keep`)."""
    resources = [
        {"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
         "provider_name": PROVIDER, "values": c["change"]["before"] or c["change"]["after"]}
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and (keep is None or c["address"] in keep)
    ]
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def raw_state(resources: list[tuple[str, str, dict]]) -> bytes:
    """A raw state object (version 4) as the S3 backend holds it."""
    return json.dumps({
        "version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "l", "outputs": {},
        "resources": [
            {"mode": "managed", "type": rtype, "name": name,
             "provider": f'provider["{PROVIDER}"]', "instances": [{"schema_version": 0, "attributes": attrs}]}
            for rtype, name, attrs in resources
        ],
    }).encode()

"""Lifecycle tags: the live guards and the teardown lane find a stack's resources by them.

Provider default tags count: at synth time they come from the provider block, in a plan
they are already merged into `tags_all`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from guards import catalog
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory, Resource
from guards.policy import Policy
from guards.registry import rule, with_passes
from guards.values import UNKNOWN, attribute, first_block

CODES = (catalog.LIFECYCLE_TAG_MISSING, catalog.LIFECYCLE_TAG_MISMATCH)


@cache
def taggable_types() -> frozenset[str]:
    """AWS resource types that accept tags, generated from the pinned provider bindings."""
    text = files("guards").joinpath("data/aws_taggable_types.txt").read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _default_tags(inventory: Inventory, resource: Resource) -> dict[str, Any] | Any:
    provider = inventory.providers.get(resource.stack or "", {}).get(resource.provider or "aws", {})
    tags = first_block(provider.get("default_tags")).get("tags", {})
    return tags if isinstance(tags, dict) else UNKNOWN


def effective_tags(inventory: Inventory, resource: Resource) -> dict[str, Any] | Any:
    """The tags the resource will carry, or UNKNOWN when they are known only after apply."""
    tags_all = attribute(resource, "tags_all")
    if isinstance(tags_all, dict) or tags_all is UNKNOWN:
        return tags_all
    own = attribute(resource, "tags") or {}
    defaults = _default_tags(inventory, resource)
    if own is UNKNOWN or defaults is UNKNOWN or not isinstance(own, dict):
        return UNKNOWN
    return defaults | own


@rule("lifecycle-tags", codes=CODES)
def lifecycle_tags(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Every taggable resource carries its stack's lifecycle tag."""
    key = policy.stacks.lifecycle_tag
    taggable = taggable_types()
    findings: list[Finding] = []
    checked = 0
    for resource in inventory.resources:
        if resource.source == "live" or resource.type not in taggable or not resource.exists_after_apply:
            continue
        checked += 1
        expected = policy.stacks.lifecycle_of(resource.stack)
        tags = effective_tags(inventory, resource)
        value = tags.get(key) if isinstance(tags, dict) else UNKNOWN
        subject, stack = resource.subject, resource.stack
        if value is UNKNOWN or (isinstance(value, str) and "${" in value):
            findings.append(unknown(catalog.LIFECYCLE_TAG_MISSING, subject, stack, f"tag {key!r} known only after apply"))
        elif value is None:
            findings.append(fail(catalog.LIFECYCLE_TAG_MISSING, subject, stack, f"no {key!r} tag (default tags included)"))
        elif expected is not None and value != expected:
            findings.append(fail(catalog.LIFECYCLE_TAG_MISMATCH, subject, stack, f"{key}={value!r}, stack {stack!r} is {expected}"))
        elif expected is None and value not in ("persistent", "ephemeral"):
            findings.append(fail(catalog.LIFECYCLE_TAG_MISMATCH, subject, stack, f"{key}={value!r} is neither persistent nor ephemeral"))
    return with_passes(findings, CODES, checked, "taggable resources")

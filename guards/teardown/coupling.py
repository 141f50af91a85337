"""Stacks coupled through state: the order they may be torn down in.

demo reads confluent's outputs (`terraform_remote_state`) in `remote_state` mode, so
confluent goes only after demo is empty, and demo's destroy plan needs confluent's state
to still be there. Pure: states are read by the lane and passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed
from guards.inventory import Inventory, Resource

REMOTE_STATE_TYPE = "terraform_remote_state"


@dataclass(frozen=True, slots=True)
class RemoteStateSource:
    """A data source through which the target reads another stack's state."""

    address: str
    stack: str
    key: str


def remote_state_sources(synthesized: Inventory, stacks_by_key: Mapping[str, str]) -> list[RemoteStateSource]:
    """The target's `terraform_remote_state` data sources whose key is a stack's partition."""
    sources = []
    for resource in synthesized.resources:
        if resource.mode != "data" or resource.type != REMOTE_STATE_TYPE:
            continue
        config = resource.values.get("config")
        key = config.get("key") if isinstance(config, dict) else None
        if isinstance(key, str) and key in stacks_by_key:
            sources.append(RemoteStateSource(resource.address, stacks_by_key[key], key))
    return sources


def _managed(resources: Sequence[Resource]) -> list[Resource]:
    return [resource for resource in resources if resource.mode == "managed"]


def dependents_gone(
    target: str, dependents: Mapping[str, Sequence[Resource] | None], keys: Mapping[str, str]
) -> list[Finding]:
    """A stack others read from goes only once their states hold no resources.

    A state that could not be read (None) is left to its own ERROR finding.
    """
    findings = []
    for stack, resources in sorted(dependents.items()):
        if resources is None:
            continue
        managed = _managed(resources)
        if managed:
            findings.append(
                fail(
                    catalog.DESTROY_ORDER,
                    keys[stack],
                    target,
                    f"{stack} still has {len(managed)} resources in its state and reads {target}'s "
                    f"outputs: tear down {stack} first (stackguard teardown run {stack})",
                )
            )
        else:
            findings.append(passed(catalog.DESTROY_ORDER, keys[stack], target, f"{stack}'s state holds no resources"))
    return findings


def sources_present(
    target: str,
    sources: Sequence[RemoteStateSource],
    states: Mapping[str, Sequence[Resource] | None],
    remedy: str,
) -> list[Finding]:
    """The states a target's destroy plan reads still hold their stack; else say how to
    decouple (`remedy`), since terraform cannot plan without them."""
    findings = []
    for source in sources:
        resources = states.get(source.stack)
        if resources is None:
            continue
        if _managed(resources):
            findings.append(passed(catalog.DESTROY_ORDER, source.address, target, f"{source.stack}'s state is there to read"))
            continue
        findings.append(
            fail(
                catalog.DESTROY_ORDER,
                source.address,
                target,
                f"{target}'s destroy plan reads {source.stack}'s state ({source.key}) through "
                f"{source.address}, and {source.stack} is already gone (its state is empty or "
                f"missing): {remedy}",
            )
        )
    return findings

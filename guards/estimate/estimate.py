"""The estimate: what each stack costs per month if left running, from an inventory.

Pure: an inventory (synth or plan), the policy (lifecycles, cap, stop) and a price table
in, an Estimate out. What counts is what bills after apply, as for the cost rules.
"""

from __future__ import annotations

from guards.estimate.model import Estimate, Line, StackEstimate
from guards.estimate.pricers import Context, price_resource
from guards.estimate.prices import PriceTable
from guards.inventory import Inventory, Resource
from guards.policy import Policy
from guards.values import attribute


def lifecycle_of(resource: Resource, policy: Policy) -> str | None:
    """The stack's lifecycle, else the resource's lifecycle tag (a plan names no stack)."""
    lifecycle = policy.stacks.lifecycle_of(resource.stack)
    if lifecycle is None:
        tags = attribute(resource, "tags_all") or attribute(resource, "tags")
        if isinstance(tags, dict):
            lifecycle = tags.get(policy.stacks.lifecycle_tag)
    return lifecycle if lifecycle in ("persistent", "ephemeral") else None


def estimate(inventory: Inventory, policy: Policy, table: PriceTable) -> Estimate:
    """One StackEstimate per (stack, lifecycle) with billed resources, in inventory order."""
    billed = [r for r in inventory.resources if r.bills_after_apply]
    ctx = Context(table, tuple(r for r in billed if r.type == "aws_ecs_task_definition"))
    groups: dict[tuple[str | None, str | None], tuple[list[Line], list[str]]] = {
        (stack, policy.stacks.lifecycle_of(stack)): ([], []) for stack in inventory.stacks if stack
    }
    for resource in billed:
        lines, usage = price_resource(resource, ctx)
        if lines or usage:
            group = groups.setdefault((resource.stack, lifecycle_of(resource, policy)), ([], []))
            group[0].extend(lines)
            group[1].extend(usage)
    stacks = tuple(
        StackEstimate(stack, lifecycle, tuple(lines), tuple(usage))
        for (stack, lifecycle), (lines, usage) in groups.items()
    )
    return Estimate(
        region=table.region,
        as_of=table.as_of.isoformat(),
        disclaimer=table.disclaimer,
        hours_per_month=table.hours_per_month,
        cap_usd=policy.budget.limit_usd,
        stop_usd=policy.budget.stop_threshold_usd,
        stacks=stacks,
    )

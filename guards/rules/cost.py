"""Cost rules: the high-cost defaults a 30 USD platform cannot afford.

What counts is the infrastructure after apply: a NAT gateway being deleted is the fix,
while one created, updated, replaced or left unchanged will exist and bill.
"""

from __future__ import annotations

from collections.abc import Iterator

from guards import catalog
from guards.catalog import CATALOG
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory, ModuleCall, Resource
from guards.policy import KnownModule, Policy
from guards.registry import rule, with_passes
from guards.values import UNKNOWN, attribute, is_token

FORBIDDEN_CODES = (catalog.FORBIDDEN_NAT_GATEWAY, catalog.FORBIDDEN_LOAD_BALANCER, catalog.ALWAYS_ON_FLEET)


@rule("forbidden-resources", codes=(*FORBIDDEN_CODES, catalog.UNKNOWN_COUNT))
def forbidden_resources(inventory: Inventory, policy: Policy) -> list[Finding]:
    """NAT gateways, load balancers and fleets that exist after apply, one per instance."""
    forbidden = policy.cost.forbidden_types
    checked = 0
    findings: list[Finding] = []
    for resource in inventory.resources:
        if not resource.bills_after_apply:
            continue
        checked += 1
        code = forbidden.get(resource.type)
        if code is None:
            continue
        if resource.count_unknown:
            findings.append(
                unknown(
                    catalog.UNKNOWN_COUNT,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} with count/for_each known only after apply: "
                    f"fail-closed, since any instance would be {code}",
                )
            )
        else:
            findings.append(
                fail(code, resource.subject, resource.stack, f"{resource.type}: {CATALOG[code].why}")
            )
    return with_passes(findings, (*FORBIDDEN_CODES, catalog.UNKNOWN_COUNT), checked, "resources")


def _service_lifecycle(resource: Resource, policy: Policy) -> str | None:
    lifecycle = policy.stacks.lifecycle_of(resource.stack)
    if lifecycle is None:
        tags = attribute(resource, "tags_all") or attribute(resource, "tags")
        if isinstance(tags, dict):
            lifecycle = tags.get(policy.stacks.lifecycle_tag)
    return lifecycle if lifecycle in ("persistent", "ephemeral") else None


@rule("always-on-services", codes=(catalog.ALWAYS_ON_FLEET,))
def always_on_services(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Services with desired count > 0 in a persistent (or unidentified) stack."""
    findings: list[Finding] = []
    checked = 0
    for resource in inventory.resources:
        if resource.type not in policy.cost.service_types or not resource.bills_after_apply:
            continue
        checked += 1
        lifecycle = _service_lifecycle(resource, policy)
        if lifecycle == "ephemeral":
            continue
        where = "a persistent stack" if lifecycle else "a stack of unknown lifecycle (fail-closed)"
        desired = attribute(resource, "desired_count", 0)
        if desired is UNKNOWN or resource.count_unknown:
            findings.append(
                unknown(
                    catalog.ALWAYS_ON_FLEET,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {where}: desired count known only after apply",
                )
            )
        elif isinstance(desired, (int, float)) and desired > 0:
            findings.append(
                fail(
                    catalog.ALWAYS_ON_FLEET,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {where} with desired count {desired:g}",
                )
            )
    return with_passes(findings, (catalog.ALWAYS_ON_FLEET,), checked, "services")


def _switch_findings(call: ModuleCall, known: KnownModule) -> Iterator[Finding]:
    for switch in known.switches:
        value = call.inputs.get(switch.input, switch.default)
        if is_token(value):
            yield unknown(
                catalog.UNKNOWN_COUNT,
                call.address,
                call.stack,
                f"{known.source} input {switch.input} is known only after apply: "
                f"fail-closed, it may create what {switch.code} forbids",
            )
        elif value not in (False, None, "", 0, [], {}, "false"):
            yield fail(
                switch.code,
                call.address,
                call.stack,
                f"{known.source} with {switch.input} set creates what {switch.code} forbids: "
                f"{CATALOG[switch.code].why}",
            )


@rule("module-calls", codes=(catalog.UNVERIFIABLE_MODULE, *FORBIDDEN_CODES, catalog.UNKNOWN_COUNT))
def module_calls(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Module calls seen at synth time: known switches decide, anything else is unverifiable."""
    findings: list[Finding] = []
    for call in inventory.module_calls:
        known = policy.cost.known_module(call.source)
        if known is not None:
            findings.extend(_switch_findings(call, known))
            continue
        findings.append(
            fail(
                catalog.UNVERIFIABLE_MODULE,
                call.address,
                call.stack,
                f"module source {call.source!r} cannot be seen into at synth time; "
                "the plan guard is the complete check (waive with a justification if reviewed)",
            )
        )
    return findings

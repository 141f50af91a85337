"""Cost rules: the high-cost defaults a 30 USD platform cannot afford.

What counts is the infrastructure after apply: a NAT gateway being deleted is the fix,
while one created, updated, replaced, left unchanged or forgotten will exist and bill.
What the guard cannot see into (a CloudFormation stack, a provisioner's command) blocks
as unverifiable unless waived.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from guards import catalog
from guards.catalog import CATALOG, Code
from guards.estimate.estimate import lifecycle_of
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory, ModuleCall, Resource
from guards.policy import SWITCH_CODES, KnownModule, Policy
from guards.registry import rule, with_passes
from guards.values import UNKNOWN, attribute, is_token

#: What a forbidden type can be: what a module switch can create, or what cannot be seen into.
FORBIDDEN_CODES = (*SWITCH_CODES, catalog.UNVERIFIABLE_RESOURCE)
#: The endpoint type Terraform gives an `aws_vpc_endpoint` that does not say.
DEFAULT_ENDPOINT_KIND = "Gateway"
#: Provisioners that copy files; every other kind runs a command.
FILE_PROVISIONER = "file"


def _endpoint_code(resource: Resource, policy: Policy) -> tuple[Code | None, Finding | None]:
    """A VPC endpoint bills unless its type is free; an unknown type is UNKNOWN."""
    kind = attribute(resource, "vpc_endpoint_type", DEFAULT_ENDPOINT_KIND)
    if kind is UNKNOWN:
        return None, unknown(
            catalog.FORBIDDEN_VPC_ENDPOINT,
            resource.subject,
            resource.stack,
            f"{resource.type} whose vpc_endpoint_type is known only after apply: fail-closed, "
            "an Interface or GatewayLoadBalancer endpoint bills hourly",
        )
    if (kind or DEFAULT_ENDPOINT_KIND) in policy.cost.free_endpoint_kinds:
        return None, None
    return catalog.FORBIDDEN_VPC_ENDPOINT, None


@rule("forbidden-resources", codes=(*FORBIDDEN_CODES, catalog.UNKNOWN_COUNT))
def forbidden_resources(inventory: Inventory, policy: Policy) -> list[Finding]:
    """High-burn or unverifiable infrastructure that exists after apply, one per instance."""
    forbidden = policy.cost.forbidden_types
    endpoints = set(policy.cost.endpoint_types)
    checked = 0
    findings: list[Finding] = []
    for resource in inventory.resources:
        if not resource.bills_after_apply:
            continue
        checked += 1
        code = forbidden.get(resource.type)
        if code is None and resource.type in endpoints:
            code, undecided = _endpoint_code(resource, policy)
            if undecided is not None:
                findings.append(undecided)
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
            detail = f" ({attribute(resource, 'vpc_endpoint_type')})" if code == catalog.FORBIDDEN_VPC_ENDPOINT else ""
            findings.append(
                fail(code, resource.subject, resource.stack, f"{resource.type}{detail}: {CATALOG[code].why}")
            )
    return with_passes(findings, (*FORBIDDEN_CODES, catalog.UNKNOWN_COUNT), checked, "resources")


def _where(lifecycle: str | None) -> str:
    return "a persistent stack" if lifecycle else "a stack of unknown lifecycle (fail-closed)"


def _not_ephemeral(
    inventory: Inventory, policy: Policy, types: Collection[str]
) -> tuple[list[tuple[Resource, str | None]], int]:
    """Resources of `types` that bill after apply, with their lifecycle, except those in an
    ephemeral stack (which a teardown removes); and how many of `types` were checked."""
    candidates = [r for r in inventory.resources if r.type in types and r.bills_after_apply]
    judged = [(r, lifecycle) for r in candidates if (lifecycle := lifecycle_of(r, policy)) != "ephemeral"]
    return judged, len(candidates)


@rule("always-on-services", codes=(catalog.ALWAYS_ON_FLEET,))
def always_on_services(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Services with desired count > 0, or the DAEMON scheduling strategy (a task on every
    container instance, whatever the desired count), in a persistent (or unidentified) stack."""
    findings: list[Finding] = []
    judged, checked = _not_ephemeral(inventory, policy, policy.cost.service_types)
    for resource, lifecycle in judged:
        where = _where(lifecycle)
        strategy = attribute(resource, "scheduling_strategy")
        desired = attribute(resource, "desired_count", 0)
        if strategy is UNKNOWN or resource.count_unknown:
            findings.append(
                unknown(
                    catalog.ALWAYS_ON_FLEET,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {where}: scheduling strategy or count known only after apply",
                )
            )
        elif strategy == "DAEMON":
            findings.append(
                fail(
                    catalog.ALWAYS_ON_FLEET,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {where} with the DAEMON scheduling strategy: a task on every "
                    "container instance, whatever desired_count says",
                )
            )
        elif desired is UNKNOWN:
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


@rule("always-on-instances", codes=(catalog.ALWAYS_ON_INSTANCE, catalog.UNKNOWN_COUNT))
def always_on_instances(inventory: Inventory, policy: Policy) -> list[Finding]:
    """EC2 instances in a persistent (or unidentified) stack: nothing tears them down."""
    findings: list[Finding] = []
    judged, checked = _not_ephemeral(inventory, policy, policy.cost.instance_types)
    for resource, lifecycle in judged:
        if resource.count_unknown:
            findings.append(
                unknown(
                    catalog.UNKNOWN_COUNT,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {_where(lifecycle)} with count/for_each known only after apply: "
                    f"fail-closed, since any instance would be {catalog.ALWAYS_ON_INSTANCE}",
                )
            )
        else:
            findings.append(
                fail(
                    catalog.ALWAYS_ON_INSTANCE,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} in {_where(lifecycle)}: {catalog.ALWAYS_ON_INSTANCE.why}",
                )
            )
    return with_passes(findings, (catalog.ALWAYS_ON_INSTANCE, catalog.UNKNOWN_COUNT), checked, "instances")


@rule("provisioners", codes=(catalog.UNVERIFIABLE_PROVISIONER, catalog.UNKNOWN_COUNT))
def provisioners(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Provisioners that run commands (`local-exec`, `remote-exec`): what they create is
    invisible to every rule."""
    findings: list[Finding] = []
    checked = 0
    for resource in inventory.resources:
        if not resource.bills_after_apply:
            continue
        commands = [kind for kind in resource.provisioners if kind != FILE_PROVISIONER]
        checked += bool(resource.provisioners)
        if not commands:
            continue
        kinds = ", ".join(dict.fromkeys(commands))
        if resource.count_unknown:
            findings.append(
                unknown(
                    catalog.UNKNOWN_COUNT,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} with a {kinds} provisioner and count/for_each known only after apply: "
                    f"fail-closed, since any instance would be {catalog.UNVERIFIABLE_PROVISIONER}",
                )
            )
        else:
            findings.append(
                fail(
                    catalog.UNVERIFIABLE_PROVISIONER,
                    resource.subject,
                    resource.stack,
                    f"{resource.type} runs a {kinds} provisioner: {catalog.UNVERIFIABLE_PROVISIONER.why} "
                    "(waive with a justification if reviewed)",
                )
            )
    return with_passes(findings, (catalog.UNVERIFIABLE_PROVISIONER,), checked, "resources with provisioners")


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


@rule("module-calls", codes=(catalog.UNVERIFIABLE_MODULE, *SWITCH_CODES, catalog.UNKNOWN_COUNT))
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

"""The destroy contract: a destroy plan removes only the target stack and nothing preserved.

Pure: the plan's inventory, what the target owns and the preserve-set in, findings out.
It is not a registered rule because it takes inputs a rule does not get (the target,
its owned addresses, the preserve-set), and it must not run in the check lanes, where a
plan has no target to be scoped to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed
from guards.inventory import Backend, Inventory, Resource
from guards.teardown.identity import identities_of
from guards.teardown.preserve import PreserveSet

#: What a destroy plan may do: delete, stop managing (forget) or leave be; data sources
#: may also be read. Anything else (create, update, replace) is not a teardown. A forget
#: is not an unexpected action, but it is not a clean teardown either: see `_forgotten`.
ALLOWED_ACTIONS = {
    "managed": frozenset({"delete", "forget", "no-op"}),
    "data": frozenset({"delete", "forget", "no-op", "read"}),
}
#: Actions that delete an existing object (a replace deletes the old one first).
DELETING = frozenset({"delete", "replace"})

AddressKey = tuple[str, str, str, str]
"""(module path, mode, type, name): an address without its count or for_each index."""


def address_key(resource: Resource) -> AddressKey:
    return (resource.module_path, resource.mode, resource.type, resource.name)


@dataclass(frozen=True)
class Owned:
    """What the target stack holds: every instance of its synthesized blocks (their count
    may be known only at plan time) and the exact instances in its state."""

    blocks: frozenset[AddressKey]
    instances: frozenset[str]

    def holds(self, resource: Resource) -> bool:
        return resource.address in self.instances or address_key(resource) in self.blocks


def owned_by(synthesized: Iterable[Resource], state: Iterable[Resource]) -> Owned:
    return Owned(
        blocks=frozenset(address_key(resource) for resource in synthesized),
        instances=frozenset(resource.address for resource in state),
    )


def destroy_set(plan: Inventory) -> list[str]:
    """Addresses of every managed resource the plan deletes, sorted. A forgotten resource
    is not destroyed (it stays in the account), so it is never in this set."""
    return sorted(r.address for r in plan.resources if r.mode == "managed" and r.action == "delete")


def target_scope(target: str, allowed: Sequence[str], known: Sequence[str]) -> list[Finding]:
    """Only the policy's allowed stacks that the platform has are torn down; decided before
    terraform runs."""
    if target in allowed and target in known:
        return [passed(catalog.DESTROY_OUT_OF_SCOPE, target, target, f"{target} is in teardown.allowed_stacks")]
    if target in allowed:
        reason = f"it is not a stack of this platform ({', '.join(known)})"
    else:
        reason = f"teardown.allowed_stacks is {', '.join(allowed) or 'empty'}"
    return [fail(catalog.DESTROY_OUT_OF_SCOPE, target, target, f"{target} may not be torn down: {reason}")]


def backend_scope(backends: Iterable[Backend], *, target: str, bucket: str, key: str) -> list[Finding]:
    """The working directory's backend is the target's own partition, so the destroy plan
    is computed from the target's state and no other."""
    found = [b for b in backends if b.stack in (target, None)]
    where = f"s3://{bucket}/{key}"
    for backend in found:
        if backend.type == "s3" and backend.config.get("bucket") == bucket and backend.config.get("key") == key:
            continue
        actual = (
            f"s3://{backend.config.get('bucket')}/{backend.config.get('key')}"
            if backend.type == "s3"
            else f"a {backend.type or 'missing'} backend"
        )
        return [
            fail(
                catalog.DESTROY_OUT_OF_SCOPE,
                "terraform.backend",
                target,
                f"{target}'s synthesized backend is {actual}, not its partition {where}: "
                "the destroy plan would be computed from another state",
            )
        ]
    if not found:
        return [fail(catalog.DESTROY_OUT_OF_SCOPE, "terraform.backend", target, f"{target}'s synthesized configuration has no backend")]
    return [passed(catalog.DESTROY_OUT_OF_SCOPE, "terraform.backend", target, f"backend is {where}")]


def _preserve_violation(resource: Resource, preserve: PreserveSet, target: str) -> Finding | None:
    matched = sorted(item for item in identities_of(resource) if item in preserve)
    if not matched:
        return None
    first = matched[0]
    also = f" (and {len(matched) - 1} more identities)" if len(matched) > 1 else ""
    return fail(
        catalog.PRESERVE_VIOLATION,
        resource.address,
        target,
        f"the destroy plan deletes {first}{also}, preserved by {preserve[first]}: "
        "nothing in the preserve-set may be deleted, whatever its address or module",
    )


def _unexpected(resource: Resource, target: str) -> Finding | None:
    if resource.action in ALLOWED_ACTIONS[resource.mode]:
        return None
    return fail(
        catalog.DESTROY_UNEXPECTED_ACTION,
        resource.address,
        target,
        f"the destroy plan would {resource.action} it: a teardown may only delete, "
        "forget or leave resources unchanged",
    )


def _out_of_scope(resource: Resource, owned: Owned, target: str) -> Finding | None:
    if owned.holds(resource):
        return None
    return fail(
        catalog.DESTROY_OUT_OF_SCOPE,
        resource.address,
        target,
        f"the destroy plan deletes it, but neither {target}'s synthesized configuration "
        f"nor its state holds it",
    )


def _forgotten(resource: Resource, target: str) -> Finding | None:
    """`removed { lifecycle { destroy = false } }` takes a resource out of the state but
    leaves it running: what the cost rules count as billing is a residual of a teardown."""
    if resource.mode != "managed" or resource.action != "forget":
        return None
    return fail(
        catalog.RESIDUAL_RESOURCE,
        resource.address,
        target,
        f"the destroy plan forgets it ({resource.type}): it stays in the account, unmanaged by "
        f"any stack, and keeps billing; a teardown must delete it",
    )


def destroy_contract(plan: Inventory, *, target: str, owned: Owned, preserve: PreserveSet) -> list[Finding]:
    """preserve-violation, destroy-out-of-scope, destroy-unexpected-action and (for forgotten
    resources) residual-resource findings, with one PASS per code that found nothing, saying
    how much was checked."""
    findings: list[Finding] = []
    deletes = [r for r in plan.resources if r.mode == "managed" and r.action in DELETING]
    for resource in plan.resources:
        for finding in (_unexpected(resource, target), _forgotten(resource, target)):
            if finding is not None:
                findings.append(finding)
    for resource in deletes:
        for finding in (_preserve_violation(resource, preserve, target), _out_of_scope(resource, owned, target)):
            if finding is not None:
                findings.append(finding)
    checked = {
        catalog.PRESERVE_VIOLATION: f"{len(deletes)} deletes checked against {len(preserve)} preserved identities",
        catalog.DESTROY_OUT_OF_SCOPE: f"{len(deletes)} deletes are {target}'s own",
        catalog.DESTROY_UNEXPECTED_ACTION: f"{len(plan.resources)} planned changes are deletes, forgets or no-ops",
        catalog.RESIDUAL_RESOURCE: f"{len(plan.resources)} planned changes forget nothing managed",
    }
    failed = {finding.code for finding in findings}
    findings.extend(passed(code, "*", target, message) for code, message in checked.items() if code not in failed)
    return findings

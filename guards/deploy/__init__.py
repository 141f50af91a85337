"""Deploy guards: pure functions that decide whether a stack may be deployed now.

Like the teardown guards they are not registered rules (they take the target stack and
the upstream states read from the backend) and never run in the check lanes. Their codes
are catalog entries (`guards.catalog.DEPLOY_ORDER`, `guards.catalog.DEPLOY_APPLY_FAILED`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from foundation import topology
from guards import catalog
from guards.findings import Finding, fail, passed
from guards.inventory import Resource

MANUAL_SWITCH = 'demo.confluent_source = "manual" with [demo.manual_parameters]'


def upstream_of(target: str, confluent_source: str) -> tuple[str, ...]:
    """The stacks whose state must hold resources before `target` is deployed (the
    topology's `needs`, plus the stacks it reads through remote state in that mode)."""
    return topology.upstream_of(target, reads_remote_state=confluent_source == "remote_state")


def deploy_order(
    target: str, upstream: Sequence[str], states: Mapping[str, Sequence[Resource]], *, confluent_source: str
) -> list[Finding]:
    """`deploy-order` for each upstream stack whose state is empty, naming what comes first."""
    findings: list[Finding] = []
    for stack in upstream:
        managed = [r for r in states.get(stack, ()) if r.mode == "managed"]
        if managed:
            findings.append(passed(catalog.DEPLOY_ORDER, f"stack:{stack}", target, f"{stack}'s state holds {len(managed)} resources"))
            continue
        remedy = f"deploy {stack} first (`stackguard deploy {stack}`)"
        if target == "demo" and stack == "confluent" and confluent_source == "remote_state":
            remedy += f", or set {MANUAL_SWITCH}"
        findings.append(fail(catalog.DEPLOY_ORDER, f"stack:{stack}", target, f"{target} needs {stack}'s state, which is empty: {remedy}"))
    return findings


#: The planned actions a deploy's evidence lists: everything that changes something.
CHANGES = frozenset({"create", "update", "replace", "delete", "forget"})


def planned_changes(plan: Iterable[Resource]) -> dict[str, str]:
    """address -> action, for every managed resource the plan changes."""
    return {r.address: r.action for r in plan if r.mode == "managed" and r.action in CHANGES}


def apply_outcome(planned: Mapping[str, str], held: Iterable[str]) -> dict[str, list[str]]:
    """What an apply that stopped part-way shows done, by the state it left: planned
    creates the state holds (created) or not (not_created), planned deletes it no longer
    holds (deleted) or still does (not_deleted). Updates and replacements cannot be told
    from the state alone and are not listed here."""
    left = set(held)
    creates = sorted(a for a, action in planned.items() if action == "create")
    deletes = sorted(a for a, action in planned.items() if action == "delete")
    return {
        "created": [a for a in creates if a in left],
        "not_created": [a for a in creates if a not in left],
        "deleted": [a for a in deletes if a not in left],
        "not_deleted": [a for a in deletes if a in left],
    }


def apply_failed(target: str, subject: str, reason: str) -> Finding:
    return fail(catalog.DEPLOY_APPLY_FAILED, subject, target, reason)

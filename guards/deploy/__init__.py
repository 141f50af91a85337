"""Deploy guards: pure functions that decide whether a stack may be deployed now.

Like the teardown guards they are not registered rules (they take the target stack and
the upstream states read from the backend) and never run in the check lanes. Their code
is a catalog entry (`guards.catalog.DEPLOY_ORDER`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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

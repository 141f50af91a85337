"""Core's CI roles can manage what the ephemeral stacks declare.

The deploy and teardown roles get their IAM actions from one table of resource types
(foundation/data/iam_by_resource_type.toml). A type the table lacks gets no action, which
is safe for the account but leaves a CI deploy failing half-way and a CI teardown unable to
delete it: the synth guard names each such resource before anything is deployed. A type
the cost policy forbids outright (a NAT gateway, a load balancer, ...) is left to its own
code: no role is meant to manage it.
"""

from __future__ import annotations

from foundation.iam_table import iam_table
from guards import catalog
from guards.findings import Finding, fail
from guards.inventory import Inventory
from guards.policy import Policy
from guards.registry import rule, with_passes

CODES = (catalog.CI_ROLE_TYPE_UNCOVERED,)


@rule("ci-roles", codes=CODES)
def ci_roles(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Every managed resource of an ephemeral stack has an entry in the IAM table."""
    table = iam_table()
    forbidden = policy.cost.forbidden_types
    findings: list[Finding] = []
    checked = 0
    for resource in inventory.resources:
        if resource.source != "synth" or resource.mode != "managed" or resource.type in forbidden:
            continue
        if policy.stacks.lifecycle_of(resource.stack) != "ephemeral":
            continue
        checked += 1
        if resource.type not in table:
            findings.append(
                fail(
                    catalog.CI_ROLE_TYPE_UNCOVERED,
                    resource.address,
                    resource.stack,
                    f"{resource.type} is not in foundation/data/iam_by_resource_type.toml: the deploy and "
                    "teardown roles get no IAM action for it",
                )
            )
    return with_passes(findings, CODES, checked, "resources of ephemeral stacks")

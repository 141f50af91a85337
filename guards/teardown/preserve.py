"""The preserve-set: every physical identity a destroy plan must leave alone.

It is the union of core's resources (as synthesized and, when readable, as its state
records them: ARNs and ids only known after apply) and the policy's named preserve list,
resolved from configuration. Each identity says why it is preserved, for the finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from guards.inventory import Resource
from guards.teardown.identity import Identity, identities_of

PreserveSet = Mapping[Identity, str]
"""identity -> why it is preserved, e.g. `the policy's preserve list (state_bucket)`."""


def preserve_set(
    named: Mapping[str, Iterable[Identity]], core_resources: Iterable[Resource]
) -> dict[Identity, str]:
    """The policy's named things first (their reason is the clearer one), then core's."""
    preserved: dict[Identity, str] = {}
    for name, identities in named.items():
        for item in identities:
            preserved.setdefault(item, f"the policy's preserve list ({name})")
    for resource in core_resources:
        for item in identities_of(resource):
            preserved.setdefault(item, f"core's {resource.address} ({resource.source})")
    return preserved


def describe_preserve_set(preserved: PreserveSet) -> list[dict[str, str]]:
    """For the contract snapshot: each identity and why, sorted."""
    return [{"identity": str(item), "why": why} for item, why in sorted(preserved.items())]

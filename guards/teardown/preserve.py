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
"""identity -> why it is preserved, e.g. `the policy's preserve list (budget)`."""

#: Preserved by every teardown whatever `[teardown] preserve` says: without the state
#: bucket and the lock table no stack can be planned, locked or recovered, and without
#: the evidence bucket nothing can be proven. A policy adds to this floor, never removes.
PRESERVE_FLOOR: tuple[str, ...] = ("state_bucket", "lock_table", "evidence_bucket")


def with_floor(names: Iterable[str]) -> list[str]:
    """The floor, then the policy's names, each once: what a teardown preserves."""
    return list(dict.fromkeys([*PRESERVE_FLOOR, *names]))


def _reason(name: str) -> str:
    if name in PRESERVE_FLOOR:
        return f"the preserve floor ({name}), kept whatever the policy's preserve list says"
    return f"the policy's preserve list ({name})"


def preserve_set(
    named: Mapping[str, Iterable[Identity]], core_resources: Iterable[Resource]
) -> dict[Identity, str]:
    """The named things first (their reason is the clearer one), then core's.

    `named` must resolve every name of the floor: a preserve-set without the state
    bucket, the lock table or the evidence bucket is refused rather than used."""
    missing = [name for name in PRESERVE_FLOOR if not list(named.get(name, ()))]
    if missing:
        raise ValueError(f"the preserve-set lacks its floor ({', '.join(missing)}): resolve with_floor(names)")
    preserved: dict[Identity, str] = {}
    for name, identities in named.items():
        for item in identities:
            preserved.setdefault(item, _reason(name))
    for resource in core_resources:
        for item in identities_of(resource):
            preserved.setdefault(item, f"core's {resource.address} ({resource.source})")
    return preserved


def describe_preserve_set(preserved: PreserveSet) -> list[dict[str, str]]:
    """For the contract snapshot: each identity and why, sorted."""
    return [{"identity": str(item), "why": why} for item, why in sorted(preserved.items())]

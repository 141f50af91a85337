"""What a lane looked at, and what it must look at before a verdict counts it.

A `check synth` of one stack's file, or a `check live --only backend`, is a real check of
part of the platform; it must not satisfy a required lane that stands for the whole. Each
snapshot records its coverage, and the verdict compares it with what full means here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from foundation.topology import STACK_NAMES

#: The sections of `check live`, in the order they are read.
LIVE_SECTIONS: tuple[str, ...] = ("backend", "infra", "budget", "cost")

#: Lanes whose full coverage is defined: every stack, and for live every section.
FULL: dict[str, dict[str, tuple[str, ...]]] = {
    "synth": {"stacks": STACK_NAMES},
    "live": {"stacks": STACK_NAMES, "sections": LIVE_SECTIONS},
}


def coverage(*, stacks: Iterable[str], sections: Iterable[str] = (), regions: Iterable[str] = ()) -> dict[str, list[str]]:
    """The `details.coverage` a snapshot records."""
    return {"stacks": sorted(set(stacks)), "sections": sorted(set(sections)), "regions": sorted(set(regions))}


def gaps(lane: str, recorded: Mapping[str, Any] | None) -> list[str]:
    """Why `recorded` is less than full for `lane` (empty when full, or when the lane has
    no definition of full)."""
    wanted = FULL.get(lane)
    if not wanted:
        return []
    if not isinstance(recorded, Mapping):
        return ["its coverage is not recorded, so it cannot stand for the whole platform"]
    reasons = []
    for dimension, needed in wanted.items():
        seen = recorded.get(dimension)
        seen = set(seen) if isinstance(seen, list) else set()
        missing = [item for item in needed if item not in seen]
        if missing:
            reasons.append(f"partial coverage: {dimension} {', '.join(missing)} not checked")
    return reasons

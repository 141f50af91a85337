"""The platform's stacks, written once: names, deploy order, what each needs, lifecycle.

The stacks read it to tag their resources, the guards to judge order and lifecycle, the
lanes to refuse an out-of-order deploy or teardown. Nothing else lists the stacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lifecycle = Literal["persistent", "ephemeral"]


@dataclass(frozen=True)
class StackSpec:
    """One stack: deployed after `needs`, and after `reads_remote_state_of` only when it
    reads those stacks' outputs through terraform remote state."""

    name: str
    lifecycle: Lifecycle
    needs: tuple[str, ...] = ()
    reads_remote_state_of: tuple[str, ...] = ()


#: In deploy order; teardown goes the other way.
STACKS: tuple[StackSpec, ...] = (
    # core creates the backend itself, so its first deploy needs nothing.
    StackSpec("core", "persistent"),
    StackSpec("confluent", "ephemeral", needs=("core",)),
    # demo reads confluent's outputs through remote state, or from SSM parameters in
    # manual mode, when it needs no confluent state at all.
    StackSpec("demo", "ephemeral", reads_remote_state_of=("confluent",)),
)

BY_NAME: dict[str, StackSpec] = {spec.name: spec for spec in STACKS}
STACK_NAMES: tuple[str, ...] = tuple(BY_NAME)
LIFECYCLE: dict[str, Lifecycle] = {spec.name: spec.lifecycle for spec in STACKS}
PERSISTENT: tuple[str, ...] = tuple(s.name for s in STACKS if s.lifecycle == "persistent")
EPHEMERAL: tuple[str, ...] = tuple(s.name for s in STACKS if s.lifecycle == "ephemeral")


def upstream_of(target: str, *, reads_remote_state: bool) -> tuple[str, ...]:
    """The stacks whose state must hold resources before `target` is deployed."""
    spec = BY_NAME[target]
    return spec.needs + (spec.reads_remote_state_of if reads_remote_state else ())


def dependents_of(stack: str) -> tuple[str, ...]:
    """The stacks that need `stack` or may read its state: torn down before it."""
    return tuple(
        spec.name for spec in STACKS if stack in spec.needs or stack in spec.reads_remote_state_of
    )

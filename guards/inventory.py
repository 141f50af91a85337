"""One normalized inventory of infrastructure, whatever document or API it came from.

Every parser (synth, plan, state, live) produces these records and every rule consumes
them, so a rule is written once and holds at synth, plan and live time. The records are
plain slotted dataclasses, not pydantic models: a 50,000-resource plan must stay cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from guards.live_facts import LiveFacts

Source = Literal["synth", "plan", "state", "live"]
#: What happens to a resource on apply. `None` for synth, state and live (it just exists).
Action = Literal["create", "update", "delete", "replace", "no-op", "read", "forget"]
#: Actions after which the resource exists: what the cost rules look at.
EXISTS_AFTER: frozenset[str | None] = frozenset({None, "create", "update", "replace", "no-op"})


@dataclass(slots=True, frozen=True)
class Resource:
    """One resource instance (or one resource whose instance count is unknown)."""

    stack: str | None
    type: str
    name: str
    source: Source
    module_path: str = ""  # "module.vpc" or 'module.eks.module.group["worker"]'; "" for root
    index: int | str | None = None  # count index or for_each key
    mode: Literal["managed", "data"] = "managed"
    values: dict[str, Any] = field(default_factory=dict)  # known values only
    unknown_values: frozenset[str] = frozenset()  # top-level attributes known after apply
    count_unknown: bool = False  # count/for_each is an unresolved expression
    action: Action | None = None
    provider: str | None = None  # provider configuration key, e.g. "aws" or "aws.west"
    arn: str | None = None  # physical identity, when known (live, state)
    region: str | None = None
    sensitive_paths: frozenset[str] = frozenset()  # top-level attributes marked sensitive
    #: Kinds of its `provisioner` blocks (`local-exec`, `remote-exec`, `file`), in order;
    #: only synth output has them (a plan keeps them in `configuration`, which is not read).
    provisioners: tuple[str, ...] = ()
    #: The cdktf construct path that made it (`demo/network/vpc`, from `//.metadata.path`);
    #: only synth output of cdktf has it.
    construct_path: str | None = None

    @property
    def address(self) -> str:
        """The Terraform address: `module.a[0].aws_x.name["key"]`."""
        local = f"{self.type}.{self.name}" if self.mode == "managed" else f"data.{self.type}.{self.name}"
        if self.index is not None:
            local += f"[{self.index}]" if isinstance(self.index, int) else f'["{self.index}"]'
        return f"{self.module_path}.{local}" if self.module_path else local

    @property
    def subject(self) -> str:
        """What a finding names: the ARN when known (live), else the address."""
        return self.arn or self.address

    @property
    def exists_after_apply(self) -> bool:
        return self.mode == "managed" and self.action in EXISTS_AFTER

    @property
    def bills_after_apply(self) -> bool:
        """Exists after apply, managed or not: a forgotten resource (`removed` with
        `destroy = false`) leaves terraform's state but keeps running and billing."""
        return self.exists_after_apply or (self.mode == "managed" and self.action == "forget")


@dataclass(slots=True, frozen=True)
class ModuleCall:
    """A `module` block seen at synth time; remote sources cannot be seen into."""

    stack: str | None
    name: str
    source: str
    inputs: dict[str, Any] = field(default_factory=dict)
    version: str | None = None
    module_path: str = ""

    @property
    def address(self) -> str:
        local = f"module.{self.name}"
        return f"{self.module_path}.{local}" if self.module_path else local

    @property
    def is_local(self) -> bool:
        return self.source.startswith(("./", "../"))


@dataclass(slots=True, frozen=True)
class Backend:
    """A stack's state backend as declared (synth) or cached (`.terraform/terraform.tfstate`)."""

    stack: str | None
    type: str | None  # "s3", "local", "remote", "cloud", ... None when no backend at all
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Inventory:
    """Everything the rules may look at, plus where it came from."""

    resources: list[Resource] = field(default_factory=list)
    module_calls: list[ModuleCall] = field(default_factory=list)
    backends: list[Backend] = field(default_factory=list)
    providers: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """stack -> provider key ("aws", "aws.west") -> its known configuration."""
    stacks: list[str] = field(default_factory=list)
    input_digests: dict[str, str] = field(default_factory=dict)
    """document path -> sha256 of its bytes."""
    live: LiveFacts | None = None
    """Backend readiness, locks and spend, when the inventory came from the live account."""
    as_of: dt.date | None = None
    """The day the rules judge for (UTC), for what depends on it (a budget's period);
    `guards.engine.evaluate` sets it to its `today` when the collector left it unset."""

    def extend(self, other: Inventory) -> None:
        self.resources.extend(other.resources)
        self.module_calls.extend(other.module_calls)
        self.backends.extend(other.backends)
        self.providers.update(other.providers)
        self.stacks.extend(name for name in other.stacks if name not in self.stacks)
        self.input_digests.update(other.input_digests)
        if other.live is not None:
            if self.live is None:
                self.live = other.live
            else:
                for name in ("buckets", "tables", "lock_probes", "held_locks", "state_digests", "spend", "errors"):
                    getattr(self.live, name).extend(getattr(other.live, name))

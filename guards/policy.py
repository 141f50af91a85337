"""The policy: what is allowed, validated before any rule runs, with a stable digest.

The digest is taken over the validated model in canonical JSON, so reformatting the file
changes nothing, while changing any value (a threshold, a waiver, the cost scope) changes
the digest and so reopens every gate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from foundation import topology
from foundation.tomlfile import describe, load_toml_model
from guards import catalog
from guards.catalog import CATALOG

POLICY_ENV_VAR = "STACKGUARD_POLICY"
DEFAULT_POLICY_FILE = Path("policy.toml")  # relative to where the command runs


class PolicyError(ValueError):
    """A one-line reason naming the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StacksPolicy(_Strict):
    """Lifecycles by stack. The platform's own stacks and their lifecycles are written in
    foundation/topology.py and are the defaults; a policy may name other stacks (plans of
    other projects), never give one of the platform's stacks another lifecycle."""

    persistent: list[str] = Field(default_factory=lambda: list(topology.PERSISTENT))
    ephemeral: list[str] = Field(default_factory=lambda: list(topology.EPHEMERAL))
    lifecycle_tag: str = "lifecycle"

    @model_validator(mode="after")
    def _agrees_with_the_topology(self) -> StacksPolicy:
        for lifecycle, stacks in (("persistent", self.persistent), ("ephemeral", self.ephemeral)):
            wrong = sorted(s for s in stacks if topology.LIFECYCLE.get(s, lifecycle) != lifecycle)
            if wrong:
                said = ", ".join(f"{s} is {topology.LIFECYCLE[s]}" for s in wrong)
                raise ValueError(f"{lifecycle} contradicts foundation/topology.py ({said})")
        both = sorted(set(self.persistent) & set(self.ephemeral))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be both persistent and ephemeral")
        return self

    def lifecycle_of(self, stack: str | None) -> str | None:
        if stack in self.persistent:
            return "persistent"
        if stack in self.ephemeral:
            return "ephemeral"
        return topology.LIFECYCLE.get(stack) if stack is not None else None

    @property
    def all_persistent(self) -> set[str]:
        """The policy's persistent stacks and the topology's."""
        return set(self.persistent) | set(topology.PERSISTENT)


#: The codes a module's switch can create what they forbid.
SWITCH_CODES = (
    catalog.FORBIDDEN_NAT_GATEWAY,
    catalog.FORBIDDEN_LOAD_BALANCER,
    catalog.ALWAYS_ON_FLEET,
    catalog.FORBIDDEN_EKS_CLUSTER,
    catalog.FORBIDDEN_VPC_ENDPOINT,
    catalog.FORBIDDEN_GLOBAL_ACCELERATOR,
)


class ModuleSwitch(_Strict):
    input: str
    default: bool
    code: str

    @field_validator("code")
    @classmethod
    def _forbidding(cls, code: str) -> str:
        if code not in SWITCH_CODES:
            raise ValueError(f"must be one of {', '.join(SWITCH_CODES)}, not {code!r}")
        return code


#: A registry source, `namespace/name/provider`, optionally with a `//sub/dir` submodule.
REGISTRY_SOURCE = r"^[\w.-]+/[\w.-]+/[\w.-]+(//[\w.-]+(/[\w.-]+)*)?$"


def registry_source(source: str) -> str:
    """A module source as the policy spells it: without the default registry host."""
    return source.strip().removeprefix("registry.terraform.io/")


class KnownModule(_Strict):
    """A registry module (or one submodule of it, `.../aws//modules/x`) whose inputs say what
    it creates. A submodule is a module of its own: only its own entry judges it."""

    source: str = Field(pattern=REGISTRY_SOURCE)
    switches: list[ModuleSwitch] = Field(min_length=1)


#: The type lists of the cost policy, each judged its own way; a type is in one at most.
TYPE_LISTS = (
    "nat_gateway_types",
    "load_balancer_types",
    "fleet_types",
    "eks_cluster_types",
    "accelerator_types",
    "endpoint_types",
    "service_types",
    "instance_types",
    "unverifiable_types",
)


class CostPolicy(_Strict):
    nat_gateway_types: list[str] = ["aws_nat_gateway"]
    load_balancer_types: list[str] = ["aws_lb", "aws_alb", "aws_elb"]
    fleet_types: list[str] = [
        "aws_autoscaling_group", "aws_eks_node_group", "aws_spot_fleet_request", "aws_ec2_fleet"
    ]
    eks_cluster_types: list[str] = ["aws_eks_cluster"]
    accelerator_types: list[str] = [
        "aws_globalaccelerator_accelerator", "aws_globalaccelerator_custom_routing_accelerator"
    ]
    endpoint_types: list[str] = Field(
        default=["aws_vpc_endpoint"],
        description="Billed unless their vpc_endpoint_type is one of free_endpoint_kinds.",
    )
    free_endpoint_kinds: list[str] = Field(
        default=["Gateway"], description="vpc_endpoint_type values that bill nothing (Terraform's default is Gateway)."
    )
    service_types: list[str] = ["aws_ecs_service"]
    instance_types: list[str] = Field(
        default=["aws_instance", "aws_spot_instance_request"],
        description="Always-on in a persistent stack (or one of unknown lifecycle).",
    )
    unverifiable_types: list[str] = Field(
        default=["aws_cloudformation_stack", "aws_cloudformation_stack_set"],
        description="Types that create infrastructure the guard cannot see into.",
    )
    modules: list[KnownModule] = []
    scope: list[Literal["aws", "confluent"]] = Field(
        default=["aws", "confluent"],
        min_length=1,
        description="Spend sources that must be read and are added up against the cap. Both by "
        "default, since the platform runs on both; narrowing to [\"aws\"] is written in the policy "
        "and so shows in its digest.",
    )

    @model_validator(mode="after")
    def _aws_always_counted(self) -> CostPolicy:
        if "aws" not in self.scope:
            raise ValueError("scope must include 'aws'")
        return self

    @model_validator(mode="after")
    def _one_list_per_type(self) -> CostPolicy:
        """A type in two lists would be judged twice, by rules that disagree on why."""
        seen: dict[str, str] = {}
        for name in TYPE_LISTS:
            for rtype in getattr(self, name):
                if rtype in seen and seen[rtype] != name:
                    raise ValueError(f"{rtype} is in both {seen[rtype]} and {name}")
                seen[rtype] = name
        return self

    @cached_property
    def forbidden_types(self) -> dict[str, str]:
        """Resource type -> the code a resource of that type is reported under, in any stack,
        whatever its values."""
        codes = {t: catalog.FORBIDDEN_NAT_GATEWAY for t in self.nat_gateway_types}
        codes |= {t: catalog.FORBIDDEN_LOAD_BALANCER for t in self.load_balancer_types}
        codes |= {t: catalog.ALWAYS_ON_FLEET for t in self.fleet_types}
        codes |= {t: catalog.FORBIDDEN_EKS_CLUSTER for t in self.eks_cluster_types}
        codes |= {t: catalog.FORBIDDEN_GLOBAL_ACCELERATOR for t in self.accelerator_types}
        codes |= {t: catalog.UNVERIFIABLE_RESOURCE for t in self.unverifiable_types}
        return codes

    def known_module(self, source: str) -> KnownModule | None:
        """The entry whose source is exactly this one, submodule path included: the parent's
        switches say nothing about what `//modules/<x>` creates."""
        normalized = registry_source(source)
        return next((m for m in self.modules if m.source == normalized), None)


class BudgetPolicy(_Strict):
    stack: str = "core"
    name: str
    budget_type: str = "COST"
    time_unit: str = "MONTHLY"
    limit_usd: Decimal = Field(gt=0)
    thresholds_usd: list[Decimal] = Field(min_length=1)
    notification_type: Literal["ACTUAL", "FORECASTED"] = "ACTUAL"
    stop_threshold_usd: Decimal
    #: The roles the budget's stop action must fence when spend reaches the stop (the
    #: deploy role). Empty: no action can be shown to target the right role (fail-closed).
    stop_roles: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> BudgetPolicy:
        ladder = self.thresholds_usd
        if any(low >= high for low, high in zip(ladder, ladder[1:])):
            raise ValueError("thresholds_usd must be strictly ascending")
        if ladder[-1] > self.limit_usd:
            raise ValueError("thresholds_usd must not exceed limit_usd")
        if self.stop_threshold_usd not in ladder:
            raise ValueError("stop_threshold_usd must be one of thresholds_usd")
        return self


class BackendPolicy(_Strict):
    type: Literal["s3"] = "s3"
    key_pattern: str = "{environment}/{stack}/terraform.tfstate"
    require_encryption: bool = True
    require_dynamodb_lock: bool = True
    require_lockfile: bool = True
    bucket: str | None = None  # when set, every stack must use exactly this bucket
    region: str | None = None
    lock_table: str | None = None

    @model_validator(mode="after")
    def _pattern_names_the_stack(self) -> BackendPolicy:
        if "{stack}" not in self.key_pattern:
            raise ValueError("key_pattern must contain {stack}, or stacks would share state")
        return self


class LivePolicy(_Strict):
    regions: list[str] = Field(
        default=[], description="Regions the live guards scan; empty means the platform's region."
    )


PreservedThing = Literal[
    "state_bucket", "lock_table", "evidence_bucket", "budget", "alert_topic", "ci_identity"
]


class TeardownPolicy(_Strict):
    allowed_stacks: list[str] = Field(
        default_factory=lambda: list(topology.EPHEMERAL),
        description="Stacks `stackguard teardown` may destroy (default: the topology's ephemeral "
        "stacks; a policy may narrow them); any other is destroy-out-of-scope.",
    )
    preserve: list[PreservedThing] = Field(
        default=["state_bucket", "lock_table", "evidence_bucket", "budget", "alert_topic", "ci_identity"],
        description="Named things no destroy plan may delete, whatever its address or module; "
        "state_bucket, lock_table and evidence_bucket are preserved even when left out (the floor, "
        "guards/teardown/preserve.py).",
    )

    @model_validator(mode="after")
    def _unique(self) -> TeardownPolicy:
        for name, items in (("allowed_stacks", self.allowed_stacks), ("preserve", self.preserve)):
            repeated = sorted({item for item in items if items.count(item) > 1})
            if repeated:
                raise ValueError(f"{name} repeats {', '.join(repeated)}")
        return self


#: A lane name: one safe path segment, as the evidence tree stores it.
LaneName = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
#: The phase's closure: backend readiness, network posture, budget and cost (one `check
#: live` of every stack and section), and teardown viability (a contract and its verification).
CLOSURE_LANES = ["synth", "live", "teardown-contract", "teardown-verify"]


class VerdictProfile(_Strict):
    required_lanes: list[LaneName] = Field(min_length=1)


class VerdictPolicy(_Strict):
    """`required_lanes` is the default profile (what `make run` needs); `profiles` are the
    others `stackguard verdict --profile NAME` asks for."""

    required_lanes: list[LaneName] = Field(default=["synth"], min_length=1)
    profiles: dict[str, VerdictProfile] = Field(
        default_factory=lambda: {"closure": VerdictProfile(required_lanes=list(CLOSURE_LANES))}
    )

    def lanes_for(self, profile: str | None) -> list[str]:
        """The lanes a profile requires (None or "default": `required_lanes`)."""
        if profile in (None, "default"):
            return list(self.required_lanes)
        if profile not in self.profiles:
            known = ", ".join(["default", *sorted(self.profiles)])
            raise PolicyError(f"no verdict profile {profile!r} in [verdict.profiles]; the policy has {known}")
        return list(self.profiles[profile].required_lanes)


#: Shell-style wildcards: `*`, `?` and bracket expressions (`[*]`, `[!a]`, `[a-z]`).
_WILDCARDS = re.compile(r"\*|\?|\[!?\]?[^\]]*\]")


def names_something(subject: str) -> bool:
    """Whether a waiver subject has a literal part (a letter or a digit) besides its
    wildcards: `*`, `**`, `?*`, `[*]` or `*.*` would cover every finding of the code."""
    return any(char.isalnum() for char in _WILDCARDS.sub("", subject))


class Waiver(_Strict):
    rule: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="A code of the catalog.")
    subject: str = Field(
        min_length=1,
        description="Address or ARN; shell-style wildcards, but never only wildcards (it must "
        "name something: a letter or a digit outside them).",
    )
    justification: str = Field(min_length=10, description="Why; at least 10 characters besides whitespace.")
    expires: dt.date

    @model_validator(mode="after")
    def _waivable_code(self) -> Waiver:
        """A waiver for a code nobody reports would silently cover nothing; a safety gate
        is waived only by its own visible flag, if it has one. A subject of wildcards only
        waives the code everywhere, and a blank justification is no review."""
        code = CATALOG.get(self.rule)
        what = f"waiver for {self.rule!r} on {self.subject!r}"
        if code is None:
            raise ValueError(f"{what}: unknown code (not in the catalog; see `stackguard rules` or docs/rules.md)")
        if not code.waivable:
            way = f"{code.waived_by} is the visible way" if code.waived_by else "it is a safety gate"
            raise ValueError(f"{what}: {code.id} cannot be waived in the policy ({way})")
        if not names_something(self.subject):
            raise ValueError(
                f"{what}: the subject is only wildcards, so it would waive {code.id} everywhere; "
                "name the address or ARN it covers"
            )
        if len(self.justification.strip()) < 10:
            raise ValueError(f"{what}: the justification is blank or too short; say why it is safe")
        return self


class WaiversPolicy(_Strict):
    """How far ahead a waiver may expire, counted from the day the policy is loaded."""

    max_days: int = Field(
        default=180,
        gt=0,
        le=366,
        description="A waiver expiring more than this many days after today is a policy error "
        "(at most a year: an exception is reviewed again, not kept for ever).",
    )


class Policy(_Strict):
    version: Literal[1] = 1
    environment: str = "dev_min"
    stacks: StacksPolicy = StacksPolicy()
    cost: CostPolicy = CostPolicy()
    budget: BudgetPolicy
    backend: BackendPolicy = BackendPolicy()
    live: LivePolicy = LivePolicy()
    teardown: TeardownPolicy = TeardownPolicy()
    verdict: VerdictPolicy = VerdictPolicy()
    waivers_policy: WaiversPolicy = WaiversPolicy()
    waivers: list[Waiver] = []

    @field_validator("waivers")
    @classmethod
    def _within_the_horizon(cls, waivers: list[Waiver], info: ValidationInfo) -> list[Waiver]:
        """Checked against the day the policy is loaded (`context={"today": ...}`, UTC today
        by default): an expiry far ahead is a waiver nobody will review."""
        limits = info.data.get("waivers_policy")
        if not isinstance(limits, WaiversPolicy):
            return waivers  # waivers_policy is itself invalid and reported
        today = (info.context or {}).get("today") or dt.datetime.now(dt.UTC).date()
        horizon = today + dt.timedelta(days=limits.max_days)
        for waiver in waivers:
            if waiver.expires > horizon:
                raise ValueError(
                    f"waiver for {waiver.rule!r} on {waiver.subject!r} expires {waiver.expires}, past "
                    f"{horizon} ({limits.max_days} days from {today}, waivers_policy.max_days)"
                )
        return waivers

    @model_validator(mode="after")
    def _persistent_stacks_stay(self) -> Policy:
        persistent = sorted(set(self.teardown.allowed_stacks) & self.stacks.all_persistent)
        if persistent:
            raise ValueError(
                f"teardown.allowed_stacks must not name a persistent stack ({', '.join(persistent)})"
            )
        return self

    @cached_property
    def digest(self) -> str:
        """sha256 of the canonical JSON of the validated policy."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def policy_path() -> Path:
    override = os.environ.get(POLICY_ENV_VAR)
    return Path(override) if override else DEFAULT_POLICY_FILE


def parse_policy(raw: dict[str, Any], origin: str = "policy", *, today: dt.date | None = None) -> Policy:
    """Validate a decoded policy; `today` (UTC today by default) bounds waiver expiries."""
    try:
        return Policy.model_validate(raw, context={"today": today})
    except ValidationError as exc:
        raise PolicyError(f"{origin}: {describe(exc)}") from None


def load_policy(path: Path | None = None, *, today: dt.date | None = None) -> Policy:
    """Read and validate the policy file, or raise PolicyError with a one-line reason;
    `today` (UTC today by default) bounds waiver expiries."""
    return load_toml_model(
        path or policy_path(),
        Policy,
        error=PolicyError,
        kind="policy",
        env_var=POLICY_ENV_VAR,
        context={"today": today},
    )

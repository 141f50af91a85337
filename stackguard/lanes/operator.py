"""The operator kernel: what the deploy and teardown lanes share, and how every lane records.

- `Request`: one operation on one stack (which configuration and policy, recorded where),
  and `stops`: whether what a lane has gathered so far blocks once the policy's waivers
  apply (each step runs only if everything before it holds);
- `gate_credentials`: the credentials boto3 resolves, judged once by the teardown rule
  (`stackguard.lanes.credentials`), and `open_access`: terraform found, credentials gated,
  terraform given exactly those credentials, then the account asked who we are;
- `save_plan`, `SavedPlan` and `attempt_apply` (`stackguard.lanes.plans`): the plan copied
  into a private directory, judged and applied from there by its sha256;
- `Gathered`, `build_snapshot` and `record`: the one way a snapshot is made (check lanes
  included), its verdict derived from the findings;
- `Judged`, `Applied` and `Operation`: what a lane hands back before and after it changes
  anything, and how the command line drives it (judge, confirm, apply).

Each step takes what it needs as arguments and returns values; no step relies on another
having run first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from evidence.provenance import git_sha
from evidence.snapshot import Snapshot
from evidence.store import EvidenceError, ensure_unwritten, run_log_path, write_snapshot
from foundation.aws import ClientFactory, client_factory
from foundation.clock import utc_now
from guards.findings import Finding
from guards.policy import Policy
from guards.waivers import AppliedWaiver, apply_waivers
from stackguard import __version__, progress
from stackguard.lanes import credentials
from stackguard.lanes.credentials import NOT_GATED as NOT_GATED
from stackguard.lanes.credentials import CredentialGate
from stackguard.lanes.live import preflight
from stackguard.lanes.plans import Attempt as Attempt
from stackguard.lanes.plans import PlanChanged as PlanChanged
from stackguard.lanes.plans import SavedPlan as SavedPlan
from stackguard.lanes.plans import StateAfter as StateAfter
from stackguard.lanes.plans import attempt_apply as attempt_apply
from stackguard.lanes.plans import private_directory as private_directory
from stackguard.lanes.plans import read_plan as read_plan
from stackguard.lanes.plans import save_plan as save_plan
from stackguard.lanes.plans import state_after as state_after
from stackguard.terraform import Terraform, find_binary
from stackguard.terraform_log import TerraformLog
from stacks.config import PlatformConfig


def blocks(findings: Iterable[Finding]) -> bool:
    return any(finding.blocks for finding in findings)


# -- the request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One operation (`deploy`, `teardown`) on one stack: under which configuration and
    policy, recorded where."""

    operation: str
    stack: str
    config: PlatformConfig
    policy: Policy
    out_dir: Path
    evidence_root: Path
    run_id: str
    environ: Mapping[str, str] = field(repr=False)
    allow_static_credentials: bool = False
    bootstrap: bool = False  # core's first deploy: local state, then moved into the bucket

    @property
    def workdir(self) -> Path:
        return self.out_dir / "stacks" / self.stack

    @property
    def plan_name(self) -> str:
        """Relative to the working directory, as terraform is given it."""
        return f"{self.operation}-{self.run_id}.tfplan"

    @property
    def log_path(self) -> Path:
        """Where everything terraform prints in this operation is logged, scrubbed."""
        return run_log_path(self.evidence_root, self.policy.environment, self.operation, self.run_id)


def ensure_fresh(request: Request, lanes: Iterable[str]) -> None:
    """Before any side effect: no snapshot of these lanes, and no terraform log, exists yet
    for this run (a log is never overwritten)."""
    ensure_unwritten(request.evidence_root, request.policy.environment, list(lanes), request.run_id)
    if request.log_path.exists() or request.log_path.is_symlink():
        raise EvidenceError(f"{request.log_path}: a terraform log for this run already exists; use another --run-id")


def stops(request: Request, gathered: Gathered) -> bool:
    """Whether the lane must stop here: a blocker no live waiver of the policy covers (an
    expired waiver is one). A waived finding does not stop it, as it does not fail it."""
    if gathered.waivers is not None:
        return gathered.blocks
    findings, _ = apply_waivers(gathered.findings, request.policy.waivers, gathered.started.date())
    return blocks(findings)


# -- credentials ---------------------------------------------------------------------------


def gate_credentials(request: Request, session: boto3.Session) -> CredentialGate:
    """Resolve the credentials once and judge them; refused ones are never used."""
    resolved = credentials.resolve(session)
    return credentials.gate(request.environ, resolved, allow_static=request.allow_static_credentials)


@dataclass(frozen=True)
class Access:
    """What a lane may use once its credentials are judged: terraform, AWS, the account."""

    terraform: Terraform
    gate: CredentialGate
    clients: ClientFactory
    account: str | None  # None: the gate refused the credentials and AWS was not called


def open_access(request: Request, session: boto3.Session, gathered: Gathered) -> Access:
    """Find terraform (exit 3 without it), judge the credentials into `gathered`, give
    terraform exactly the judged ones, and only if nothing blocks so far, ask AWS who we
    are (exit 3 when it does not answer). Terraform logs to the run's `log_path`."""
    progress.step("preflight")
    binary = find_binary(request.config.tooling.terraform)
    gate = gate_credentials(request, session)
    gathered.add(gate.findings)
    environment = credentials.terraform_environment(request.environ, gate.credentials, request.config.region)
    scrubber = credentials.scrubber(request.environ, gate.credentials)
    terraform = Terraform(binary, request.workdir, environment, scrubber, TerraformLog(request.log_path))
    clients = client_factory(session)
    if stops(request, gathered):
        return Access(terraform, gate, clients, None)
    account = gathered.details["account"] = preflight(clients, request.config.region)
    return Access(terraform, gate, clients, account)


# -- snapshots -----------------------------------------------------------------------------


@dataclass
class Gathered:
    """What a lane has found so far, since `started`: findings, input digests, details.

    `waivers` is None while the policy's waivers are still to be applied to the findings,
    or the waivers already applied (by the engine) when the findings carry them.
    """

    started: dt.datetime = field(default_factory=utc_now)
    findings: list[Finding] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    waivers: list[AppliedWaiver] | None = None

    def add(self, findings: Iterable[Finding], inputs: Mapping[str, str] | None = None) -> None:
        self.findings.extend(findings)
        self.inputs.update(inputs or {})

    @property
    def blocks(self) -> bool:
        return blocks(self.findings)


def build_snapshot(lane: str, run_id: str, policy: Policy, gathered: Gathered) -> Snapshot:
    """The snapshot of one lane's run; `overall_pass` and `blockers` derive from its findings."""
    findings, waivers = gathered.findings, gathered.waivers
    if waivers is None:
        findings, waivers = apply_waivers(findings, policy.waivers, gathered.started.date())
    return Snapshot(
        lane=lane,
        run_id=run_id,
        environment=policy.environment,
        started_at=gathered.started,
        finished_at=utc_now(),
        policy_digest=policy.digest,
        input_digests=dict(sorted(gathered.inputs.items())),
        tool_version=__version__,
        git_sha=git_sha(),
        findings=findings,
        waivers_applied=waivers,
        details=dict(gathered.details),
    )


def record(request: Request, lane: str, gathered: Gathered) -> tuple[Snapshot, Path]:
    """Build the lane's snapshot for this request and write it (never over an earlier one)."""
    snapshot = build_snapshot(lane, request.run_id, request.policy, gathered)
    return snapshot, write_snapshot(request.evidence_root, snapshot)


# -- what the lanes hand back --------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """A recorded judgement before anything changes, and what applying it needs."""

    snapshot: Snapshot
    path: Path
    access: Access | None = None  # None: it stopped before the credentials were judged
    saved: SavedPlan | None = None  # when it got as far as a plan

    @property
    def holds(self) -> bool:
        return self.snapshot.overall_pass and self.saved is not None

    @property
    def gate(self) -> CredentialGate:
        return self.access.gate if self.access is not None else NOT_GATED


@dataclass(frozen=True)
class Applied:
    """The last snapshot after an apply, the ones written before it, one line when the
    apply did not complete, and whether the result was verified after it completed."""

    snapshot: Snapshot
    path: Path
    failure: str | None = None
    earlier: tuple[Path, ...] = ()
    verified: bool = False  # set only by a lane whose apply completed and was then verified

    @property
    def paths(self) -> list[Path]:
        """Every snapshot written after the judgement, the last one last."""
        return [*self.earlier, self.path]


@dataclass(frozen=True)
class Operation:
    """One operator lane as the command line drives it: judge, then (once confirmed) apply."""

    stack: str
    judge: Callable[[Path], Judged]  # given the private directory the plan is kept in
    apply: Callable[[Judged], Applied] | None  # None: judge only, change nothing
    judgement: str  # what the judgement's snapshot is called in messages
    verb: str  # "deploy", "destroy"
    done: str  # "applied", "destroyed"
    summary: Callable[[Snapshot], str] | None = None  # what an operator reviews before confirming

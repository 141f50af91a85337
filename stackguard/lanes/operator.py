"""The operator kernel: what the deploy and teardown lanes share, and how every lane records.

- `Request`: one operation on one stack (which configuration and policy, recorded where);
- `gate_credentials`: the credentials boto3 resolves, judged once by the teardown rule,
  and `open_access`: terraform found, credentials gated, then the account asked who we are;
- `save_plan` and `SavedPlan`: init, plan -out=FILE, show -json FILE, the file's sha256,
  and `SavedPlan.apply`, which applies that file only while its sha256 is still the same;
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
from botocore.exceptions import BotoCoreError, ClientError

from evidence.provenance import git_sha, utc_now
from evidence.snapshot import Snapshot
from evidence.store import ensure_unwritten, write_snapshot
from foundation.aws import ClientFactory, client_factory
from foundation.digests import file_sha256
from foundation.errors import ExitCode, StackguardError
from guards.findings import Finding
from guards.policy import Policy
from guards.teardown.credentials import CODE as STATIC_CREDENTIALS
from guards.teardown.credentials import ResolvedCredentials, credential_findings
from guards.waivers import AppliedWaiver, apply_waivers
from stackguard import __version__
from stackguard.lanes.live import preflight
from stackguard.terraform import Completed, Terraform, TerraformFailed, find_binary
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
    environ: Mapping[str, str]
    allow_static_credentials: bool = False

    @property
    def workdir(self) -> Path:
        return self.out_dir / "stacks" / self.stack

    @property
    def plan_name(self) -> str:
        """Relative to the working directory, as terraform is given it."""
        return f"{self.operation}-{self.run_id}.tfplan"

    def terraform(self) -> Terraform:
        """The configured binary in the stack's working directory (exit 3 when missing)."""
        return Terraform(find_binary(self.config.tooling.terraform), self.workdir, self.environ)


def ensure_fresh(request: Request, lanes: Iterable[str]) -> None:
    """Before any side effect: no snapshot of these lanes exists yet for this run."""
    ensure_unwritten(request.evidence_root, request.policy.environment, list(lanes), request.run_id)


# -- credentials ---------------------------------------------------------------------------


def resolved_credentials(session: boto3.Session) -> ResolvedCredentials | None:
    """What boto3's chain resolves, reduced to its kind; None when there is nothing."""
    try:
        credentials = session.get_credentials()
        if credentials is None:
            return None
        frozen = credentials.get_frozen_credentials()
    except (BotoCoreError, ClientError):
        return None  # the preflight reports it as a tooling failure
    return ResolvedCredentials.reduce(getattr(credentials, "method", None), frozen.access_key, frozen.token)


@dataclass(frozen=True)
class CredentialGate:
    """The credential findings, and whether --allow-static-credentials let static ones through."""

    findings: tuple[Finding, ...] = ()
    static_allowed: bool = False

    @property
    def blocks(self) -> bool:
        return blocks(self.findings)

    def details(self, request: Request) -> dict[str, bool]:
        return {
            "allow_static_credentials_flag": request.allow_static_credentials,
            "static_credentials_allowed": self.static_allowed,
        }


NOT_GATED = CredentialGate()  # the lane stopped before the credentials were judged


def gate_credentials(request: Request, session: boto3.Session) -> CredentialGate:
    """Resolve the credentials once and judge them; refused ones are never used."""
    findings = credential_findings(
        request.environ, resolved_credentials(session), allow_static=request.allow_static_credentials
    )
    allowed = any(f.code == STATIC_CREDENTIALS and f.waiver for f in findings)
    return CredentialGate(tuple(findings), allowed)


@dataclass(frozen=True)
class Access:
    """What a lane may use once its credentials are judged: terraform, AWS, the account."""

    terraform: Terraform
    gate: CredentialGate
    clients: ClientFactory
    account: str | None  # None: the gate refused the credentials and AWS was not called


def open_access(request: Request, session: boto3.Session, gathered: Gathered) -> Access:
    """Find terraform (exit 3 without it), judge the credentials into `gathered`, and only
    if nothing blocks so far, ask AWS who we are (exit 3 when it does not answer)."""
    terraform = request.terraform()
    gate = gate_credentials(request, session)
    gathered.add(gate.findings)
    clients = client_factory(session)
    if gathered.blocks:
        return Access(terraform, gate, clients, None)
    account = gathered.details["account"] = preflight(clients, request.config.region)
    return Access(terraform, gate, clients, account)


# -- the saved plan ------------------------------------------------------------------------


class PlanChanged(StackguardError):
    """The plan file is not the one that was judged; nothing was applied."""

    code = ExitCode.ENVIRONMENT


@dataclass(frozen=True)
class SavedPlan:
    """A plan file terraform saved, its sha256 when it was judged, and its `show -json`."""

    terraform: Terraform
    file: Path
    sha256: str
    shown: bytes

    def details(self) -> dict[str, Any]:
        return {
            "terraform_ran": True,
            "terraform": self.terraform.name,
            "working_directory": str(self.terraform.workdir),
            "plan_file": str(self.file),
            "plan_file_sha256": self.sha256,
        }

    def input_digests(self) -> dict[str, str]:
        return {str(self.file): self.sha256}

    def unchanged(self) -> bool:
        return self.file.is_file() and file_sha256(self.file) == self.sha256

    def apply(self, *, judged_as: str = "it was checked") -> Completed:
        """`terraform apply FILE`, only while FILE is the file that was judged."""
        if not self.unchanged():
            raise PlanChanged(
                f"the plan file {self.file} changed or vanished since {judged_as}; nothing was applied"
            )
        return self.terraform.apply(self.file.name)


def save_plan(terraform: Terraform, name: str, *, destroy: bool = False) -> SavedPlan:
    """init, plan [-destroy] -out=NAME, show -json NAME, in the terraform's working directory."""
    terraform.init()
    if destroy:
        terraform.plan_destroy(name)
    else:
        terraform.plan(name)
    shown = terraform.show_json(name)
    plan_file = terraform.workdir / name
    if not plan_file.is_file():
        raise TerraformFailed(f"{terraform.name} plan succeeded but wrote no plan file {plan_file}")
    return SavedPlan(terraform, plan_file, file_sha256(plan_file), shown)


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
    """The last snapshot after an apply, the ones written before it, and one line when the
    apply did not complete."""

    snapshot: Snapshot
    path: Path
    failure: str | None = None
    earlier: tuple[Path, ...] = ()

    @property
    def paths(self) -> list[Path]:
        """Every snapshot written after the judgement, the last one last."""
        return [*self.earlier, self.path]


@dataclass(frozen=True)
class Operation:
    """One operator lane as the command line drives it: judge, then (once confirmed) apply."""

    stack: str
    judge: Callable[[], Judged]
    apply: Callable[[Judged], Applied] | None  # None: judge only, change nothing
    judgement: str  # what the judgement's snapshot is called in messages
    verb: str  # "deploy", "destroy"
    done: str  # "applied", "destroyed"
    summary: Callable[[Snapshot], str] | None = None  # what an operator reviews before confirming

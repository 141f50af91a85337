"""The guarded deploy lane: apply exactly the plan that was checked, then check the result.

Side effects live here (terraform subprocesses, AWS reads, evidence); the judgements are
the guards'. Each step runs only if everything before it holds:

1. the credentials are short-lived (the teardown rule; refused ones are never used);
2. the order holds: the stacks the target needs (core for confluent; confluent for demo
   in `remote_state` mode) have non-empty states in the backend (`deploy-order`);
3. for confluent and demo, the backend is ready and its lock probe passes (core's first
   deploy creates the backend, so it is not asked for);
4. terraform init, plan -out=FILE, show -json FILE; the plan guards judge exactly that
   output and the `deploy-plan` snapshot records the plan file's sha256;
5. (confirmed by the caller) apply FILE, once its sha256 is shown to be the recorded one;
6. `check live` (backend and infra) for the stack: the `deploy-live` snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from evidence.provenance import git_sha, utc_now
from evidence.snapshot import Snapshot
from evidence.store import ensure_unwritten, write_snapshot
from foundation.aws import ClientFactory, client_factory
from foundation.errors import ExitCode, StackguardError
from foundation.topology import STACK_NAMES
from guards.deploy import deploy_order, upstream_of
from guards.documents import load_plan
from guards.engine import evaluate
from guards.findings import Finding
from guards.inventory import Inventory
from guards.live.backend import bucket_facts, held_locks, probe_lock, table_facts
from guards.live.state import collect_state
from guards.live_facts import LiveFacts
from guards.policy import Policy
from guards.rules.backend_live import backend_readiness, state_locks
from guards.teardown.credentials import CODE as STATIC_CREDENTIALS
from guards.teardown.credentials import credential_findings
from guards.waivers import AppliedWaiver, apply_waivers
from stackguard import __version__
from stackguard.lanes.check import run_check
from stackguard.lanes.live import LiveScope, collect_live, preflight
from stackguard.lanes.teardown import resolved_credentials
from stackguard.synth import file_sha256, synthesize
from stackguard.terraform import Terraform, TerraformFailed, find_binary, summary
from stacks.config import PlatformConfig

LANE_PLAN, LANE_LIVE = "deploy-plan", "deploy-live"
LIVE_SECTIONS = frozenset({"backend", "infra"})


def _blocks(findings: Iterable[Finding]) -> bool:
    return any(finding.blocks for finding in findings)


@dataclass(frozen=True)
class Request:
    """One deploy: which stack, under which configuration and policy, recorded where."""

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
        return f"deploy-{self.run_id}.tfplan"

    @property
    def lanes(self) -> list[str]:
        return [LANE_PLAN, LANE_LIVE]


@dataclass(frozen=True)
class Checked:
    """The `deploy-plan` snapshot, and the plan file it holds for (when it got that far)."""

    snapshot: Snapshot
    path: Path
    plan_file: Path | None = None
    plan_sha256: str | None = None

    @property
    def holds(self) -> bool:
        return self.snapshot.overall_pass and self.plan_file is not None


def prepare(request: Request) -> None:
    """Checks without side effects: a known stack, and this run's evidence is unwritten."""
    if request.stack not in STACK_NAMES:
        raise StackguardError(f"STACK must be one of {', '.join(STACK_NAMES)}, not {request.stack!r}")
    ensure_unwritten(request.evidence_root, request.policy.environment, request.lanes, request.run_id)


class Deploy:
    """The lane for one request: `check()` (readiness, plan, plan guards), then `apply()`."""

    def __init__(self, request: Request, session: boto3.Session) -> None:
        self.request = request
        self.session = session
        self._terraform: Terraform | None = None
        self._static_allowed = False

    # -- evidence -------------------------------------------------------------------------

    def _freeze(
        self,
        started: dt.datetime,
        findings: list[Finding],
        *,
        waivers: list[AppliedWaiver] | None = None,
        inputs: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
        plan_file: Path | None = None,
        plan_sha256: str | None = None,
    ) -> Checked:
        request = self.request
        if waivers is None:
            findings, waivers = apply_waivers(findings, request.policy.waivers, started.date())
        snapshot = Snapshot(
            lane=LANE_PLAN,
            run_id=request.run_id,
            environment=request.policy.environment,
            started_at=started,
            finished_at=utc_now(),
            policy_digest=request.policy.digest,
            input_digests=dict(sorted((inputs or {}).items())),
            tool_version=__version__,
            git_sha=git_sha(),
            findings=findings,
            waivers_applied=waivers,
            details={
                "stack": request.stack,
                "allow_static_credentials_flag": request.allow_static_credentials,
                "static_credentials_allowed": self._static_allowed,
                "terraform_ran": False,
                **(details or {}),
            },
        )
        return Checked(snapshot, write_snapshot(request.evidence_root, snapshot), plan_file, plan_sha256)

    # -- readiness, plan and plan guards ---------------------------------------------------

    def check(self) -> Checked:
        request = self.request
        started = utc_now()
        self._terraform = Terraform(find_binary(request.config.tooling.terraform), request.workdir, request.environ)
        findings = credential_findings(
            request.environ, resolved_credentials(self.session), allow_static=request.allow_static_credentials
        )
        self._static_allowed = any(f.code == STATIC_CREDENTIALS and f.waiver for f in findings)
        if _blocks(findings):
            return self._freeze(started, findings)
        clients = client_factory(self.session)
        account = preflight(clients, request.config.region)
        details: dict[str, Any] = {"account": account}
        inputs: dict[str, str] = {}

        order, order_inputs = self._order(clients)
        findings += order
        inputs.update(order_inputs)
        if _blocks(findings):
            return self._freeze(started, findings, inputs=inputs, details=details)
        if request.stack != "core":
            findings += self._readiness(clients)
            if _blocks(findings):
                return self._freeze(started, findings, inputs=inputs, details=details)

        synthesize(request.config, request.out_dir)
        plan_file, plan_sha256, plan_json = self._plan()
        plan = load_plan(plan_json, stack=request.stack)
        findings, waivers = apply_waivers(findings, request.policy.waivers, started.date())
        plan_findings, plan_waivers = evaluate(
            plan, request.policy, today=started.date(), documents={None: str(plan_json)}
        )
        assert self._terraform is not None
        return self._freeze(
            started,
            [*findings, *plan_findings],
            waivers=[*waivers, *plan_waivers],
            inputs={**inputs, **plan.input_digests, str(plan_file): plan_sha256},
            details={
                **details,
                "terraform_ran": True,
                "terraform": self._terraform.name,
                "working_directory": str(request.workdir),
                "plan_file": str(plan_file),
                "plan_file_sha256": plan_sha256,
                "plan_json": str(plan_json),
                "resources": len(plan.resources),
            },
            plan_file=plan_file,
            plan_sha256=plan_sha256,
        )

    def _order(self, clients: ClientFactory) -> tuple[list[Finding], dict[str, str]]:
        """`deploy-order` from the upstream stacks' states as the backend holds them."""
        request, config = self.request, self.request.config
        source = config.demo.confluent_source
        upstream = upstream_of(request.stack, source)
        if not upstream:
            return [], {}
        bucket = config.backend.state_bucket
        resources, digests, errors = collect_state(
            clients,
            region=config.region,
            bucket=bucket,
            lock_table=config.backend.lock_table,
            state_keys={stack: config.state_key(stack) for stack in upstream},
        )
        states: dict[str, list] = {stack: [] for stack in upstream}
        for resource in resources:
            states.setdefault(resource.stack or "", []).append(resource)
        findings = [*errors, *deploy_order(request.stack, upstream, states, confluent_source=source)]
        return findings, {f"s3://{bucket}/{d.key}": d.object_sha256 for d in digests if d.object_sha256}

    def _readiness(self, clients: ClientFactory) -> list[Finding]:
        """The backend's readiness and lock probe, and no held lock on the target's state."""
        config = self.request.config
        region, bucket, table = config.region, config.backend.state_bucket, config.backend.lock_table
        facts = LiveFacts(collected_at=utc_now(), sections_read=frozenset({"backend"}))
        findings: list[Finding] = []
        bucket_fact, errors = bucket_facts(clients, region, bucket)
        facts.buckets.append(bucket_fact)
        findings += errors
        table_fact, errors = table_facts(clients, region, table)
        facts.tables.append(table_fact)
        findings += errors
        if table_fact.exists:
            probe, errors = probe_lock(clients, region, table)
            facts.lock_probes.append(probe)
            findings += errors
            locks, errors = held_locks(
                clients, region, bucket=bucket, table=table,
                state_keys={self.request.stack: config.state_key(self.request.stack)},
            )
            facts.held_locks.extend(locks)
            findings += errors
        inventory = Inventory(live=facts)
        policy = self.request.policy
        return [*backend_readiness(inventory, policy), *state_locks(inventory, policy), *findings]

    def _plan(self) -> tuple[Path, str, Path]:
        """init, plan -out=FILE, show -json FILE: the plan file, its sha256, and the JSON."""
        request, terraform = self.request, self._terraform
        assert terraform is not None
        terraform.init()
        terraform.plan(request.plan_name)
        shown = terraform.show_json(request.plan_name)
        plan_file = request.workdir / request.plan_name
        if not plan_file.is_file():
            raise TerraformFailed(f"{terraform.name} plan succeeded but wrote no plan file {plan_file}")
        plan_json = request.workdir / f"{request.plan_name}.json"
        plan_json.write_bytes(shown)
        return plan_file, file_sha256(plan_file), plan_json

    # -- apply and check live -------------------------------------------------------------

    def apply(self, checked: Checked) -> tuple[Snapshot, Path]:
        """Apply exactly the checked plan file, then `check live` for the stack."""
        if not checked.holds or checked.plan_file is None or self._terraform is None:
            raise ValueError("apply needs a checked plan that passed")
        request, terraform = self.request, self._terraform
        plan_file = checked.plan_file
        current = file_sha256(plan_file) if plan_file.is_file() else None
        if current != checked.plan_sha256:
            raise StackguardError(
                f"the plan file {plan_file} changed or vanished since it was checked; nothing was applied",
                ExitCode.ENVIRONMENT,
            )
        result = terraform.apply(plan_file.name)
        if result.returncode != 0:
            raise TerraformFailed(f"{terraform.name} apply failed (exit {result.returncode}): {summary(result.stderr)}")
        scope = LiveScope(stacks=(request.stack,), sections=LIVE_SECTIONS, today=utc_now().date())
        inventory = collect_live(self.session, config=request.config, policy=request.policy, scope=scope)
        return run_check(
            lane=LANE_LIVE,
            inventory=inventory,
            policy=request.policy,
            documents={},
            evidence_root=request.evidence_root,
            run_id=request.run_id,
            details={
                "stack": request.stack,
                "sections": sorted(LIVE_SECTIONS),
                "applied_plan_file": str(plan_file),
                "applied_plan_file_sha256": checked.plan_sha256,
            },
        )

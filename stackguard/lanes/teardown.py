"""The teardown lane: prove the destroy contract, apply exactly that plan, verify the result.

Side effects live here and only here (terraform subprocesses, AWS reads, evidence); every
judgement is a pure function of `guards.teardown`. The order is fixed and fail-closed,
and each step runs only if everything before it holds:

1. the target is one the policy allows (nothing has run yet);
2. the credentials are short-lived (refused ones are never used, not even to read);
3. the account answers; the target's state is not locked; coupled stacks allow it; the
   synthesized backend is the target's own partition;
4. terraform init, plan -destroy -out=FILE, show -json FILE; the contract is judged and
   its snapshot written, freezing the scope before anything is deleted;
5. (run) apply FILE, once its sha256 is shown to be the one the contract recorded;
6. (run) verify: the state is empty, nothing tagged with the target is left, every
   preserved thing still exists; then the verification and proof snapshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from evidence.provenance import git_sha, utc_now
from evidence.snapshot import Snapshot
from evidence.store import ensure_unwritten, write_snapshot
from foundation.aws import ClientFactory, client_factory
from foundation.topology import STACK_NAMES, dependents_of
from guards.documents import InputError, load_synth, parse_document_bytes
from guards.findings import Finding, Status, error
from guards.inventory import Inventory, Resource
from guards.live.backend import held_locks
from guards.live.infrastructure import collect_infrastructure
from guards.live.presence import collect_presence
from guards.live.state import UNREADABLE, collect_state
from guards.live.tagging import tagged_resources
from guards.live_facts import LiveFacts
from guards.policy import Policy
from guards.rules.backend_live import state_locks
from guards.rules.live_state import state_digest
from guards.teardown.contract import (
    backend_scope,
    destroy_contract,
    destroy_set,
    owned_by,
    target_scope,
)
from guards.teardown.coupling import dependents_gone, remote_state_sources, sources_present
from guards.teardown.credentials import CODE as STATIC_CREDENTIALS
from guards.teardown.credentials import ResolvedCredentials, credential_findings
from guards.teardown.preserve import describe_preserve_set, preserve_set
from guards.teardown.verification import (
    RESIDUAL,
    apply_failed,
    apply_outcome,
    live_residuals,
    preserve_presence,
    state_residuals,
)
from guards.waivers import AppliedWaiver, apply_waivers
from stackguard import __version__
from stackguard.lanes.live import preflight
from stackguard.preserve import presence_checks, preserved_identities
from stackguard.synth import STACK_FILE, file_sha256, synthesize
from stackguard.terraform import STALE_PLAN_MARK, Terraform, TerraformFailed, find_binary, summary
from stacks.config import PlatformConfig

LANE_CONTRACT, LANE_VERIFY, LANE_PROOF = "teardown-contract", "teardown-verify", "teardown"
MANUAL_MODE_REMEDY = (
    'set demo.confluent_source = "manual" with [demo.manual_parameters] (the SSM parameter '
    "names of the Kafka endpoint and credentials) in the configuration, then run the teardown "
    "again (it synthesizes again)"
)


def _blocks(findings: Iterable[Finding]) -> bool:
    return any(finding.blocks for finding in findings)


def _reference(path: Path) -> dict[str, str]:
    return {"path": str(path), "sha256": file_sha256(path)}


@dataclass(frozen=True)
class Request:
    """One teardown: which stack, under which configuration and policy, recorded where."""

    target: str
    config: PlatformConfig
    policy: Policy
    out_dir: Path
    evidence_root: Path
    run_id: str
    environ: Mapping[str, str]
    allow_static_credentials: bool = False

    @property
    def workdir(self) -> Path:
        return self.out_dir / "stacks" / self.target

    @property
    def plan_name(self) -> str:
        """Relative to the working directory, as terraform is given it."""
        return f"teardown-{self.run_id}.tfplan"

    def lanes(self, *, apply: bool) -> list[str]:
        return [LANE_CONTRACT, LANE_VERIFY, LANE_PROOF] if apply else [LANE_CONTRACT]


@dataclass(frozen=True)
class Contract:
    """The frozen contract: its snapshot, and the plan file it holds for (when it got that far)."""

    snapshot: Snapshot
    path: Path
    plan_file: Path | None = None
    plan_sha256: str | None = None
    destroy_set: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.snapshot.overall_pass and self.plan_file is not None


@dataclass(frozen=True)
class Outcome:
    """The proof snapshot, and one line when the apply did not complete."""

    snapshot: Snapshot
    path: Path
    failure: str | None = None
    verification_path: Path | None = None

    @property
    def paths(self) -> list[Path]:
        """Every snapshot written after the contract: the verification (if any), the proof."""
        return [p for p in (self.verification_path, self.path) if p is not None]


@dataclass
class _BackendView:
    """What the backend says before terraform runs: findings, states by stack, digests."""

    findings: list[Finding] = field(default_factory=list)
    states: dict[str, list[Resource] | None] = field(default_factory=dict)  # None: unreadable
    inputs: dict[str, str] = field(default_factory=dict)


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


class Teardown:
    """The lane for one request: `contract()` (plan and judge), then `apply(contract)`."""

    def __init__(self, request: Request, session: boto3.Session) -> None:
        self.request = request
        self.session = session
        self._terraform: Terraform | None = None
        self._clients: ClientFactory | None = None
        self._account: str | None = None
        self._static_allowed = False

    # -- evidence -------------------------------------------------------------------------

    def _record(
        self,
        lane: str,
        started: dt.datetime,
        findings: list[Finding],
        *,
        inputs: Mapping[str, str],
        details: Mapping[str, Any],
        waivers: list[AppliedWaiver] | None = None,
    ) -> tuple[Snapshot, Path]:
        """Write one snapshot; waivers are applied unless the findings already carry them."""
        request = self.request
        if waivers is None:
            findings, waivers = apply_waivers(findings, request.policy.waivers, started.date())
        snapshot = Snapshot(
            lane=lane,
            run_id=request.run_id,
            environment=request.policy.environment,
            started_at=started,
            finished_at=utc_now(),
            policy_digest=request.policy.digest,
            input_digests=dict(sorted(inputs.items())),
            tool_version=__version__,
            git_sha=git_sha(),
            findings=findings,
            waivers_applied=waivers,
            details={
                "target": request.target,
                "allow_static_credentials_flag": request.allow_static_credentials,
                "static_credentials_allowed": self._static_allowed,
                **details,
            },
        )
        return snapshot, write_snapshot(request.evidence_root, snapshot)

    def _freeze(
        self,
        started: dt.datetime,
        findings: list[Finding],
        *,
        inputs: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
        plan_file: Path | None = None,
        plan_sha256: str | None = None,
        deletes: Iterable[str] = (),
    ) -> Contract:
        snapshot, path = self._record(
            LANE_CONTRACT, started, findings, inputs=inputs or {}, details={"terraform_ran": False, **(details or {})}
        )
        return Contract(snapshot, path, plan_file, plan_sha256, tuple(deletes))

    # -- the contract ---------------------------------------------------------------------

    def contract(self) -> Contract:
        """Steps 1 to 4: stop at the first group of blockers, else plan and judge."""
        request = self.request
        started = utc_now()
        findings = target_scope(request.target, request.policy.teardown.allowed_stacks, STACK_NAMES)
        if _blocks(findings):
            return self._freeze(started, findings)
        self._terraform = Terraform(find_binary(request.config.tooling.terraform), request.workdir, request.environ)
        credentials = credential_findings(
            request.environ, resolved_credentials(self.session), allow_static=request.allow_static_credentials
        )
        self._static_allowed = any(f.code == STATIC_CREDENTIALS and f.waiver for f in credentials)
        findings += credentials
        if _blocks(findings):
            return self._freeze(started, findings)
        self._clients = client_factory(self.session)
        self._account = preflight(self._clients, request.config.region)
        synthesize(request.config, request.out_dir)
        target_synth = load_synth(request.workdir / STACK_FILE)
        core_synth = load_synth(request.out_dir / "stacks" / "core" / STACK_FILE)
        backend = self._read_backend(target_synth)
        findings += backend.findings
        inputs = {**target_synth.input_digests, **core_synth.input_digests, **backend.inputs}
        if _blocks(findings):
            return self._freeze(started, findings, inputs=inputs, details={"account": self._account})

        plan, plan_file, plan_sha256 = self._plan()
        owned = owned_by(target_synth.resources, backend.states.get(request.target) or [])
        preserved = preserve_set(
            preserved_identities(request.config, request.policy.teardown.preserve, self._account),
            [*core_synth.resources, *(backend.states.get("core") or [])],
        )
        findings += destroy_contract(plan, target=request.target, owned=owned, preserve=preserved)
        deletes = destroy_set(plan)
        return self._freeze(
            started,
            findings,
            inputs={**inputs, **plan.input_digests, str(plan_file): plan_sha256},
            details={
                "terraform_ran": True,
                "terraform": self._terraform.name,
                "account": self._account,
                "working_directory": str(request.workdir),
                "plan_file": str(plan_file),
                "plan_file_sha256": plan_sha256,
                "destroy_set": deletes,
                "preserve_set": describe_preserve_set(preserved),
                "owned": {"synthesized_blocks": len(owned.blocks), "state_instances": len(owned.instances)},
            },
            plan_file=plan_file,
            plan_sha256=plan_sha256,
            deletes=deletes,
        )

    def _read_backend(self, target_synth: Inventory) -> _BackendView:
        """Locks, states and coupling, read from the backend before terraform runs."""
        request, clients = self.request, self._clients
        assert clients is not None
        config, target = request.config, request.target
        bucket, table, region = config.backend.state_bucket, config.backend.lock_table, config.region
        keys = {stack: config.state_key(stack) for stack in STACK_NAMES}
        sources = remote_state_sources(target_synth, {key: stack for stack, key in keys.items()})
        dependents = dependents_of(target)
        wanted = sorted({"core", target, *dependents, *(source.stack for source in sources)})
        view = _BackendView(states={stack: [] for stack in wanted})

        locks, lock_errors = held_locks(clients, region, bucket=bucket, table=table, state_keys={target: keys[target]})
        lock_facts = LiveFacts(collected_at=utc_now(), sections_read=frozenset({"backend"}), held_locks=locks)
        view.findings += [*state_locks(Inventory(live=lock_facts), request.policy), *lock_errors]

        resources, digests, errors = collect_state(
            clients, region=region, bucket=bucket, lock_table=table, state_keys={s: keys[s] for s in wanted}
        )
        for resource in resources:
            states = view.states[resource.stack or ""]
            if states is not None:
                states.append(resource)
        for finding in errors:
            if finding.code == UNREADABLE:
                view.states[finding.stack or ""] = None
                view.findings.append(finding)
            elif finding.stack == target:
                view.findings.append(finding)
        target_digests = LiveFacts(state_digests=[d for d in digests if d.stack == target])
        view.findings += state_digest(Inventory(live=target_digests), request.policy)
        view.findings += dependents_gone(target, {stack: view.states[stack] for stack in dependents}, keys)
        view.findings += sources_present(target, sources, view.states, MANUAL_MODE_REMEDY)
        view.findings += backend_scope(target_synth.backends, target=target, bucket=bucket, key=keys[target])
        view.inputs = {f"s3://{bucket}/{d.key}": d.object_sha256 for d in digests if d.object_sha256}
        return view

    def _plan(self) -> tuple[Inventory, Path, str]:
        """init, plan -destroy -out=FILE, show -json FILE: the plan as inventory, with its file."""
        request, terraform = self.request, self._terraform
        assert terraform is not None
        terraform.init()
        terraform.plan_destroy(request.plan_name)
        shown = terraform.show_json(request.plan_name)
        plan_file = request.workdir / request.plan_name
        if not plan_file.is_file():
            raise TerraformFailed(f"{terraform.name} plan succeeded but wrote no plan file {plan_file}")
        try:
            plan = parse_document_bytes(
                shown, f"{plan_file} (show -json)", stack=request.target, expect="plan"
            )
        except InputError as exc:
            raise TerraformFailed(f"the destroy plan cannot be read: {exc}") from None
        return plan, plan_file, file_sha256(plan_file)

    # -- apply and verify -----------------------------------------------------------------

    def apply(self, contract: Contract) -> Outcome:
        """Steps 5 and 6: apply exactly the contract's plan file, then verify and prove."""
        if not contract.holds or contract.plan_file is None or self._terraform is None:
            raise ValueError("apply needs a contract that holds")
        request, terraform = self.request, self._terraform
        started = utc_now()
        plan_file = contract.plan_file
        current = file_sha256(plan_file) if plan_file.is_file() else None
        if current != contract.plan_sha256:
            reason = (
                f"the plan file {plan_file} changed or vanished since the contract was checked; "
                "nothing was applied"
            )
            return self._failed(started, contract, reason, state=None, problem=None, applied=False)
        result = terraform.apply(plan_file.name)
        state, problem = self._state_after()
        if result.returncode != 0:
            if STALE_PLAN_MARK in result.stderr:
                reason = (
                    f"the saved plan is stale: {request.target}'s state changed after it was planned "
                    f"and {terraform.name} refused it; run `stackguard teardown plan {request.target}` "
                    "and review a new plan"
                )
            else:
                reason = f"{terraform.name} apply failed (exit {result.returncode}): {summary(result.stderr)}"
            return self._failed(started, contract, reason, state=state, problem=problem, applied=True)
        verification, verification_path = self._verify(started, state, problem)
        left = None if state is None else [r.address for r in state.resources if r.mode == "managed"]
        return self._prove(started, contract, verification, verification_path, left)

    def _state_after(self) -> tuple[Inventory | None, str | None]:
        """The target's state as terraform now shows it, or why it could not be read."""
        terraform = self._terraform
        assert terraform is not None
        try:
            shown = terraform.show_json()
            where = f"{self.request.workdir} (show -json, after apply)"
            return parse_document_bytes(shown, where, stack=self.request.target, expect="state"), None
        except (TerraformFailed, InputError) as exc:
            return None, str(exc)

    def _failed(
        self,
        started: dt.datetime,
        contract: Contract,
        reason: str,
        *,
        state: Inventory | None,
        problem: str | None,
        applied: bool,
    ) -> Outcome:
        """A proof snapshot that says what was and was not destroyed, and why it stopped."""
        target = self.request.target
        findings = [*contract.snapshot.findings, apply_failed(target, str(contract.plan_file), reason)]
        destroyed: list[str] | None
        not_destroyed: list[str] | None
        if state is not None:
            left = [r.address for r in state.resources if r.mode == "managed"]
            destroyed, not_destroyed = apply_outcome(contract.destroy_set, left)
            findings += [f for f in state_residuals(target, state.resources) if f.status is not Status.PASS]
        elif not applied:
            destroyed, not_destroyed = [], sorted(contract.destroy_set)
        else:
            destroyed = not_destroyed = None
            findings.append(error(RESIDUAL, "state", target, f"the state could not be read after the apply: {problem}"))
        snapshot, path = self._record(
            LANE_PROOF,
            started,
            findings,
            inputs={
                str(contract.path): file_sha256(contract.path),
                **(state.input_digests if state is not None else {}),
            },
            details={
                "contract": _reference(contract.path),
                "verification": None,
                "plan_file": str(contract.plan_file),
                "plan_file_sha256": contract.plan_sha256,
                "apply": {"completed": False, "attempted": applied, "reason": reason},
                "destroyed": destroyed,
                "not_destroyed": not_destroyed,
            },
            waivers=contract.snapshot.waivers_applied,
        )
        return Outcome(snapshot, path, failure=f"{reason} (snapshot {path})")

    def _verify(
        self, started: dt.datetime, state: Inventory | None, problem: str | None
    ) -> tuple[Snapshot, Path]:
        """Empty state, nothing of the target left live, every preserved thing still there."""
        request, clients = self.request, self._clients
        assert clients is not None and self._account is not None
        config, target = request.config, request.target
        regions = request.policy.live.regions or [config.region]
        if state is not None:
            findings = state_residuals(target, state.resources)
        else:
            findings = [error(RESIDUAL, "state", target, f"the state could not be read after the apply: {problem}")]
        infrastructure, infrastructure_errors = collect_infrastructure(clients, regions)
        tagged, tagging_errors = tagged_resources(clients, regions, {"stack": target})
        presences, presence_errors = collect_presence(
            clients,
            region=config.region,
            account=self._account,
            preserved=presence_checks(config, request.policy.teardown.preserve),
        )
        residuals = live_residuals(target, config.environment, infrastructure, tagged)
        # A collector that could not look is a residual check that could not run.
        findings += residuals + [f.model_copy(update={"code": RESIDUAL}) for f in infrastructure_errors]
        findings += tagging_errors + preserve_presence(presences) + presence_errors
        return self._record(
            LANE_VERIFY,
            started,
            findings,
            inputs=state.input_digests if state is not None else {},
            details={
                "regions": regions,
                "state_resources_left": (
                    None if state is None else sum(r.mode == "managed" for r in state.resources)
                ),
                "live_residuals": sorted(f.subject for f in residuals if f.status is not Status.PASS),
                "tagged_listed": len(tagged),
                "preserved": [
                    {"name": p.name, "subject": p.subject, "exists": p.exists} for p in presences
                ],
            },
        )

    def _prove(
        self,
        started: dt.datetime,
        contract: Contract,
        verification: Snapshot,
        verification_path: Path,
        left: list[str] | None,
    ) -> Outcome:
        """The teardown proof: the contract and the verification, referenced by sha256."""
        destroyed: list[str] | None = None
        not_destroyed: list[str] | None = None
        if left is not None:
            destroyed, not_destroyed = apply_outcome(contract.destroy_set, left)
        snapshot, path = self._record(
            LANE_PROOF,
            started,
            [*contract.snapshot.findings, *verification.findings],
            inputs={
                str(contract.path): file_sha256(contract.path),
                str(verification_path): file_sha256(verification_path),
                str(contract.plan_file): contract.plan_sha256 or "",
            },
            details={
                "contract": _reference(contract.path),
                "verification": _reference(verification_path),
                "plan_file": str(contract.plan_file),
                "plan_file_sha256": contract.plan_sha256,
                "apply": {"completed": True, "attempted": True},
                "destroyed": destroyed,
                "not_destroyed": not_destroyed,
            },
            waivers=[*contract.snapshot.waivers_applied, *verification.waivers_applied],
        )
        return Outcome(snapshot, path, verification_path=verification_path)


def prepare(request: Request, *, apply: bool) -> None:
    """Checks without side effects, before the lane starts: evidence for this run is unwritten."""
    ensure_unwritten(request.evidence_root, request.policy.environment, request.lanes(apply=apply), request.run_id)

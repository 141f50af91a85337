"""The guarded deploy lane: apply exactly the plan that was checked, then check the result.

Side effects live here (terraform subprocesses, AWS reads, evidence); the judgements are
the guards'. Each step runs only if everything before it holds:

1. the credentials are short-lived (the teardown rule; refused ones are never used);
2. the order holds: the stacks the target needs (core for confluent; confluent for demo
   in `remote_state` mode) have non-empty states in the backend (`deploy-order`);
3. for confluent and demo, the backend is ready and its lock probe passes; core, which
   creates the backend, must have its state in the bucket, or, with `--bootstrap` (its
   first deploy, `stackguard.lanes.bootstrap`), must not have it there yet; then spend is
   read and must be below the emergency stop and the cap (`guards.deploy.spend`; no
   waiver applies, and spend that cannot be read blocks);
4. terraform init, plan -out=FILE, FILE copied into the lane's private directory, show
   -json of the copy; the plan guards judge exactly that output and the `deploy-plan`
   snapshot records the copy's sha256 and the planned changes;
5. (confirmed by the caller) apply the copy, once its sha256 is shown to be the recorded
   one; an apply that fails or is interrupted writes the `deploy-apply` snapshot (what
   the state holds now) and stops;
6. with `--bootstrap`, core's local state moved into the bucket and verified there
   (`deploy-migrate`); then `check live` (backend and infra) for the stack: the
   `deploy-live` snapshot.
"""

from __future__ import annotations

from pathlib import Path

import boto3

from foundation.aws import ClientFactory
from foundation.clock import utc_now
from foundation.digests import file_sha256
from foundation.errors import StackguardError
from foundation.topology import STACK_NAMES
from guards.deploy import apply_failed, apply_outcome, deploy_order, planned_changes, upstream_of
from guards.deploy.spend import spend_gate
from guards.engine import evaluate
from guards.findings import Finding
from guards.inventory import Inventory
from guards.live.backend import bucket_facts, held_locks, probe_lock, table_facts
from guards.live.state import collect_state
from guards.live_facts import LiveFacts
from guards.rules.backend_live import backend_readiness, state_locks
from guards.waivers import apply_waivers
from stackguard import progress
from stackguard.lanes import bootstrap
from stackguard.lanes import operator as kernel
from stackguard.lanes.check import run_check
from stackguard.lanes.live import LiveScope, collect_live
from stackguard.lanes.operator import Access, Gathered, Judged, Request, SavedPlan
from stackguard.synth import synthesize

OPERATION = "deploy"
LANE_PLAN, LANE_APPLY, LANE_LIVE = "deploy-plan", "deploy-apply", "deploy-live"
LANES = (LANE_PLAN, LANE_APPLY, bootstrap.LANE_MIGRATE, LANE_LIVE)
LIVE_SECTIONS = frozenset({"backend", "infra"})
SPEND_SECTIONS = frozenset({"budget", "cost"})


def prepare(request: Request) -> None:
    """Checks without side effects: a known stack, and this run's evidence is unwritten."""
    if request.stack not in STACK_NAMES:
        raise StackguardError(f"STACK must be one of {', '.join(STACK_NAMES)}, not {request.stack!r}")
    if request.bootstrap and request.stack != "core":
        raise StackguardError(f"--bootstrap is core's first deploy only; {request.stack} keeps its state in the bucket core made")
    kernel.ensure_fresh(request, LANES)


def _judged(request: Request, gathered: Gathered, access: Access, saved: SavedPlan | None = None) -> Judged:
    """Record `deploy-plan`; without a plan the deploy was refused at its gates (the
    verdict sets such a snapshot aside: nothing ran)."""
    gathered.details.update({
        "refused": saved is None,
        "stack": request.stack, "bootstrap": request.bootstrap, **access.gate.details(request.allow_static_credentials),
    })
    return Judged(*kernel.record(request, LANE_PLAN, gathered), access, saved)


def check(request: Request, session: boto3.Session, private: Path) -> Judged:
    """Steps 1 to 4: readiness, then the plan guards on the saved plan (`deploy-plan`)."""
    gathered = Gathered(details={"terraform_ran": False})
    access = kernel.open_access(request, session, gathered)
    if kernel.stops(request, gathered):
        return _judged(request, gathered, access)
    gathered.add(*_order(request, access.clients))
    if kernel.stops(request, gathered):
        return _judged(request, gathered, access)
    if request.stack == "core":
        bootstrap.gate(request, access.clients)
    else:
        gathered.add(_readiness(request, access.clients))
        if kernel.stops(request, gathered):
            return _judged(request, gathered, access)
    gathered.add(*_spend(request, session))
    if kernel.stops(request, gathered):
        return _judged(request, gathered, access)

    progress.step("synth")
    synthesize(request.config, request.out_dir, bootstrap=request.bootstrap)
    saved = kernel.save_plan(access.terraform, request.plan_name, private, reconfigure=request.bootstrap)
    plan = kernel.read_plan(saved, request.stack)
    progress.step("guards")
    today = gathered.started.date()
    findings, waivers = apply_waivers(gathered.findings, request.policy.waivers, today)
    plan_findings, plan_waivers = evaluate(plan, request.policy, today=today, documents={None: f"{saved.original} (show -json)"})
    gathered.findings, gathered.waivers = [*findings, *plan_findings], [*waivers, *plan_waivers]
    gathered.add([], {**plan.input_digests, **saved.input_digests()})
    gathered.details.update({
        **saved.details(), "resources": len(plan.resources), "planned_changes": planned_changes(plan.resources),
    })
    return _judged(request, gathered, access, saved)


def _order(request: Request, clients: ClientFactory) -> tuple[list[Finding], dict[str, str]]:
    """`deploy-order` from the upstream stacks' states as the backend holds them."""
    config = request.config
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


def _spend(request: Request, session: boto3.Session) -> tuple[list[Finding], dict[str, str]]:
    """The spend gate (`guards.deploy.spend`): the budget's actual spend and the sources of
    `cost.scope`, read as `check live --only budget,cost` reads them."""
    scope = LiveScope(stacks=STACK_NAMES, sections=SPEND_SECTIONS, today=utc_now().date())
    inventory = collect_live(session, config=request.config, policy=request.policy, scope=scope)
    return spend_gate(inventory, request.policy, budget_required=not request.bootstrap), inventory.input_digests


def _readiness(request: Request, clients: ClientFactory) -> list[Finding]:
    """The backend's readiness and lock probe, and no held lock on the target's state."""
    config = request.config
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
            state_keys={request.stack: config.state_key(request.stack)},
        )
        facts.held_locks.extend(locks)
        findings += errors
    inventory = Inventory(live=facts)
    return [*backend_readiness(inventory, request.policy), *state_locks(inventory, request.policy), *findings]


def apply(request: Request, session: boto3.Session, checked: Judged) -> kernel.Applied:
    """Steps 5 and 6: apply exactly the checked plan file, then `check live` for the stack."""
    saved = checked.saved
    if not checked.holds or saved is None:
        raise ValueError("apply needs a checked plan that passed")
    started = utc_now()
    attempt = kernel.attempt_apply(
        saved, request.stack, judged_as="the plan was checked",
        replan=f"run `stackguard deploy {request.stack}` again to plan from the state as it is",
    )
    if attempt.failure is not None:
        return _failed(request, checked, Gathered(started), attempt)
    earlier: tuple[Path, ...] = ()
    if request.bootstrap:
        assert checked.access is not None  # a plan was judged, so access was opened
        progress.step("migrate")
        failed, migrated = bootstrap.migrate(request, checked.access.terraform, checked.access.clients)
        if failed is not None:
            return failed
        earlier = (migrated,)
    progress.step("verify")
    scope = LiveScope(stacks=(request.stack,), sections=LIVE_SECTIONS, today=utc_now().date())
    inventory = collect_live(session, config=request.config, policy=request.policy, scope=scope)
    snapshot, path = run_check(
        lane=LANE_LIVE,
        inventory=inventory,
        policy=request.policy,
        documents={},
        evidence_root=request.evidence_root,
        run_id=request.run_id,
        details={
            "stack": request.stack,
            "sections": sorted(LIVE_SECTIONS),
            "applied_plan_file": str(saved.original),
            "applied_plan_file_sha256": saved.sha256,
        },
    )
    return kernel.Applied(snapshot, path, earlier=earlier, verified=True)


def _failed(request: Request, checked: Judged, gathered: Gathered, attempt: kernel.Attempt) -> kernel.Applied:
    """The `deploy-apply` snapshot of an apply that did not complete: why, what the state
    holds now (when terraform could show it), and which planned changes it shows done."""
    saved, stack = checked.saved, request.stack
    assert saved is not None and attempt.failure is not None  # only a checked plan is applied
    reason = attempt.failure
    gathered.add([*checked.snapshot.findings, apply_failed(stack, str(saved.original), reason)])
    gathered.waivers = checked.snapshot.waivers_applied
    gathered.inputs[str(checked.path)] = file_sha256(checked.path)
    after = attempt.after
    held = after.left if after is not None else None
    planned = checked.snapshot.details.get("planned_changes") or {}
    if after is not None and after.inventory is not None:
        gathered.inputs.update(after.inventory.input_digests)
    gathered.details = {
        "stack": stack,
        "deploy_plan": {"path": str(checked.path), "sha256": gathered.inputs[str(checked.path)]},
        "plan_file": str(saved.original),
        "plan_file_sha256": saved.sha256,
        "apply": attempt.outcome(),
        "state_resources": held,
        "state_problem": after.problem if after is not None else None,
        **(apply_outcome(planned, held) if held is not None else {}),
        **checked.gate.details(request.allow_static_credentials),
    }
    snapshot, path = kernel.record(request, LANE_APPLY, gathered)
    return kernel.Applied(snapshot, path, failure=f"{reason} (snapshot {path})")


def operation(request: Request) -> kernel.Operation:
    """The deploy as the command line drives it (after the checks without side effects)."""
    from stackguard.report.deploy import planned_changes_summary

    prepare(request)
    session = boto3.Session(region_name=request.config.region)
    return kernel.Operation(
        request.stack,
        judge=lambda private: check(request, session, private),
        apply=lambda checked: apply(request, session, checked),
        judgement="the deploy-plan snapshot",
        verb="deploy",
        done="applied",
        summary=planned_changes_summary,
    )

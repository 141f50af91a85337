"""The teardown lane: prove the destroy contract, apply exactly that plan, verify the result.

Side effects live here and only here (terraform subprocesses, AWS reads, evidence); every
judgement is a pure function of `guards.teardown`. The order is fixed and fail-closed,
and each step runs only if everything before it holds:

1. the target is one the policy allows (nothing has run yet);
2. the credentials are short-lived (refused ones are never used, not even to read);
3. the account answers; the target's state is not locked; coupled stacks allow it; the
   synthesized backend is the target's own partition;
4. terraform init, plan -destroy -out=FILE, FILE copied into the lane's private
   directory, show -json of the copy; the contract is judged and its snapshot written,
   freezing the scope before anything is deleted;
5. (run) apply the copy, once its sha256 is shown to be the one the contract recorded; an
   apply that fails or is interrupted writes the proof of what was and was not destroyed;
6. (run) verify: the state is empty, nothing tagged with the target is left, every
   preserved thing still exists; then the verification and proof snapshots.

`contract(request, session, private)` is steps 1 to 4; `apply(request, contract)` is 5
and 6, and needs nothing but the request and the contract it is given.
"""

from __future__ import annotations

from pathlib import Path

import boto3

from evidence.snapshot import Snapshot
from foundation.clock import utc_now
from foundation.digests import file_sha256
from foundation.errors import StackguardError
from foundation.topology import STACK_NAMES
from guards.documents import load_synth
from guards.findings import Finding, Status, error
from guards.live.infrastructure import collect_infrastructure
from guards.live.presence import collect_presence
from guards.live.tagging import tagged_resources
from guards.teardown.contract import destroy_contract, destroy_set, owned_by, target_scope
from guards.teardown.preserve import describe_preserve_set, preserve_set
from guards.teardown.verification import (
    RESIDUAL,
    apply_failed,
    apply_outcome,
    live_residuals,
    preserve_presence,
    state_residuals,
)
from stackguard import progress
from stackguard.lanes import operator as kernel
from stackguard.lanes.operator import Access, Gathered, Judged, Request, SavedPlan
from stackguard.lanes.teardown_backend import read_backend
from stackguard.preserve import presence_checks, preserved_identities
from stackguard.synth import STACK_FILE, synthesize

OPERATION = "teardown"
LANE_CONTRACT, LANE_VERIFY, LANE_PROOF = "teardown-contract", "teardown-verify", "teardown"


def lanes(*, apply: bool) -> list[str]:
    return [LANE_CONTRACT, LANE_VERIFY, LANE_PROOF] if apply else [LANE_CONTRACT]


def prepare(request: Request, *, apply: bool) -> None:
    """Checks without side effects, before the lane starts: a known stack (anything else is
    a usage error and writes nothing), and this run's evidence is unwritten."""
    if request.stack not in STACK_NAMES:
        raise StackguardError(f"STACK must be one of {', '.join(STACK_NAMES)}, not {request.stack!r}")
    kernel.ensure_fresh(request, lanes(apply=apply))


def operation(request: Request, *, applies: bool) -> kernel.Operation:
    """`teardown plan` (judge only) or `teardown run`, as the command line drives it."""
    from stackguard.report.teardown import destroy_set_summary

    prepare(request, apply=applies)
    session = boto3.Session(region_name=request.config.region)
    return kernel.Operation(
        request.stack,
        judge=lambda private: contract(request, session, private),
        apply=(lambda judged: apply(request, judged)) if applies else None,
        judgement="the contract snapshot",
        verb="destroy",
        done="destroyed",
        summary=destroy_set_summary,
    )


def _reference(path: Path) -> dict[str, str]:
    return {"path": str(path), "sha256": file_sha256(path)}


def _record(request: Request, gate: kernel.CredentialGate, lane: str, gathered: Gathered) -> tuple[Snapshot, Path]:
    gathered.details.update({"target": request.stack, **gate.details(request.allow_static_credentials)})
    return kernel.record(request, lane, gathered)


def _freeze(request: Request, gathered: Gathered, access: Access | None, saved: SavedPlan | None = None) -> Judged:
    """Write the contract snapshot: the scope is frozen before anything is deleted."""
    gathered.details["refused"] = saved is None  # stopped at its gates: terraform never planned
    gate = access.gate if access is not None else kernel.NOT_GATED
    return Judged(*_record(request, gate, LANE_CONTRACT, gathered), access, saved)


# -- the contract ---------------------------------------------------------------------------


def contract(request: Request, session: boto3.Session, private: Path) -> Judged:
    """Steps 1 to 4: stop at the first group of blockers, else plan and judge."""
    policy, target = request.policy, request.stack
    gathered = Gathered(details={"terraform_ran": False})
    gathered.add(target_scope(target, policy.teardown.allowed_stacks, STACK_NAMES))
    if kernel.stops(request, gathered):
        return _freeze(request, gathered, None)
    access = kernel.open_access(request, session, gathered)
    if kernel.stops(request, gathered):
        return _freeze(request, gathered, access)
    progress.step("synth")
    synthesize(request.config, request.out_dir)
    progress.step("backend")
    target_synth = load_synth(request.workdir / STACK_FILE)
    core_synth = load_synth(request.out_dir / "stacks" / "core" / STACK_FILE)
    backend = read_backend(request, access.clients, target_synth)
    gathered.add(backend.findings, {**target_synth.input_digests, **core_synth.input_digests, **backend.inputs})
    if kernel.stops(request, gathered):
        return _freeze(request, gathered, access)

    saved = kernel.save_plan(access.terraform, request.plan_name, private, destroy=True)
    plan = kernel.read_plan(saved, request.stack)
    progress.step("guards")
    owned = owned_by(target_synth.resources, backend.states.get(target) or [])
    preserved = preserve_set(
        preserved_identities(request.config, policy.teardown.preserve, access.account),
        [*core_synth.resources, *(backend.states.get("core") or [])],
    )
    gathered.add(
        destroy_contract(plan, target=target, owned=owned, preserve=preserved),
        {**plan.input_digests, **saved.input_digests()},
    )
    gathered.details.update({
        **saved.details(),
        "destroy_set": destroy_set(plan),
        "preserve_set": describe_preserve_set(preserved),
        "owned": {"synthesized_blocks": len(owned.blocks), "state_instances": len(owned.instances)},
    })
    return _freeze(request, gathered, access, saved)


# -- apply, verify, prove -------------------------------------------------------------------


def _unreadable(target: str, after: kernel.StateAfter) -> Finding:
    return error(RESIDUAL, "state", target, f"the state could not be read after the apply: {after.problem}")


def apply(request: Request, contract: Judged) -> kernel.Applied:
    """Steps 5 and 6: apply exactly the contract's plan file, then verify and prove."""
    saved, target = contract.saved, request.stack
    if not contract.holds or saved is None:
        raise ValueError("apply needs a contract that holds")
    started = utc_now()
    attempt = kernel.attempt_apply(
        saved, target, judged_as="the contract was checked",
        replan=f"run `stackguard teardown plan {target}` and review a new plan",
    )
    if attempt.failure is not None:
        return _failed(request, contract, Gathered(started), attempt)
    progress.step("verify")
    after = kernel.state_after(saved.terraform, target)
    verification, verification_path = _verify(request, contract, Gathered(started), after)
    return _prove(request, contract, Gathered(started), (verification, verification_path), after.left)


def _failed(request: Request, contract: Judged, gathered: Gathered, attempt: kernel.Attempt) -> kernel.Applied:
    """A proof snapshot that says what was and was not destroyed, and why it stopped."""
    saved, target, after = contract.saved, request.stack, attempt.after
    assert saved is not None and attempt.failure is not None  # only a contract that holds is applied
    reason = attempt.failure
    deletes = contract.snapshot.details["destroy_set"]
    gathered.add([*contract.snapshot.findings, apply_failed(target, str(saved.original), reason)])
    destroyed: list[str] | None = None
    not_destroyed: list[str] | None = None
    if after is None:
        destroyed, not_destroyed = [], sorted(deletes)
    elif after.inventory is not None:
        destroyed, not_destroyed = apply_outcome(deletes, after.left or [])
        gathered.add(f for f in state_residuals(target, after.inventory.resources) if f.status is not Status.PASS)
        gathered.inputs.update(after.inventory.input_digests)
    else:
        gathered.add([_unreadable(target, after)])
    gathered.inputs[str(contract.path)] = file_sha256(contract.path)
    gathered.waivers = contract.snapshot.waivers_applied
    gathered.details = {
        "contract": _reference(contract.path),
        "verification": None,
        "plan_file": str(saved.original),
        "plan_file_sha256": saved.sha256,
        "apply": attempt.outcome(),
        "destroyed": destroyed,
        "not_destroyed": not_destroyed,
    }
    snapshot, path = _record(request, contract.gate, LANE_PROOF, gathered)
    return kernel.Applied(snapshot, path, failure=f"{reason} (snapshot {path})")


def _verify(request: Request, contract: Judged, gathered: Gathered, after: kernel.StateAfter) -> tuple[Snapshot, Path]:
    """Empty state, nothing of the target left live, every preserved thing still there."""
    access = contract.access
    assert access is not None  # only a contract that holds is applied
    clients = access.clients
    config, target = request.config, request.stack
    regions = request.policy.live.regions or [config.region]
    if after.inventory is not None:
        gathered.add(state_residuals(target, after.inventory.resources), after.inventory.input_digests)
    else:
        gathered.add([_unreadable(target, after)])
    infrastructure, infrastructure_errors = collect_infrastructure(clients, regions)
    tagged, tagging_errors = tagged_resources(clients, regions, {"stack": target})
    presences, presence_errors = collect_presence(
        clients,
        region=config.region,
        account=access.account,
        preserved=presence_checks(config, request.policy.teardown.preserve),
    )
    residuals = live_residuals(target, config.environment, infrastructure, tagged)
    # A collector that could not look is a residual check that could not run.
    gathered.add([*residuals, *(f.model_copy(update={"code": RESIDUAL}) for f in infrastructure_errors)])
    gathered.add([*tagging_errors, *preserve_presence(presences), *presence_errors])
    left = after.left
    gathered.details = {
        "regions": regions,
        "state_resources_left": None if left is None else len(left),
        "live_residuals": sorted(f.subject for f in residuals if f.code == RESIDUAL and f.status is not Status.PASS),
        "active_task_definitions": sorted(
            f.subject for f in residuals if f.code != RESIDUAL and f.status is not Status.PASS
        ),
        "tagged_listed": len(tagged),
        "preserved": [{"name": p.name, "subject": p.subject, "exists": p.exists} for p in presences],
    }
    return _record(request, contract.gate, LANE_VERIFY, gathered)


def _prove(
    request: Request,
    contract: Judged,
    gathered: Gathered,
    verified: tuple[Snapshot, Path],
    left: list[str] | None,
) -> kernel.Applied:
    """The teardown proof: the contract and the verification, referenced by sha256."""
    saved = contract.saved
    assert saved is not None  # only a contract that holds is applied
    verification, verification_path = verified
    destroyed: list[str] | None = None
    not_destroyed: list[str] | None = None
    if left is not None:
        destroyed, not_destroyed = apply_outcome(contract.snapshot.details["destroy_set"], left)
    gathered.add(
        [*contract.snapshot.findings, *verification.findings],
        {
            str(contract.path): file_sha256(contract.path),
            str(verification_path): file_sha256(verification_path),
            **saved.input_digests(),
        },
    )
    gathered.waivers = [*contract.snapshot.waivers_applied, *verification.waivers_applied]
    gathered.details = {
        "contract": _reference(contract.path),
        "verification": _reference(verification_path),
        "plan_file": str(saved.original),
        "plan_file_sha256": saved.sha256,
        "apply": {"completed": True, "attempted": True},
        "destroyed": destroyed,
        "not_destroyed": not_destroyed,
    }
    snapshot, path = _record(request, contract.gate, LANE_PROOF, gathered)
    return kernel.Applied(snapshot, path, earlier=(verification_path,), verified=True)

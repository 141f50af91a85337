"""The verdict passes only on every required lane passing under the current policy."""

from __future__ import annotations

import datetime as dt

import pytest

from evidence.verdict import decide
from foundation.coverage import LIVE_SECTIONS, coverage
from foundation.topology import STACK_NAMES
from guards.findings import fail, passed
from tests.evidence.conftest import T0, make_snapshot

DIGEST = "a" * 64
CLEAN = [passed("forbidden-nat-gateway", "*", None, "checked")]
DIRTY = [fail("forbidden-nat-gateway", "aws_nat_gateway.x", "demo", "nat")]


def test_passing_required_lane_under_current_policy_passes():
    verdict = decide([make_snapshot(CLEAN)], policy_digest=DIGEST, required_lanes=["synth"])
    assert verdict.passed


def test_missing_lane_blocks():
    verdict = decide([make_snapshot(CLEAN)], policy_digest=DIGEST, required_lanes=["synth", "plan"])
    assert not verdict.passed
    (plan,) = [lane for lane in verdict.lanes if lane.lane == "plan"]
    assert plan.reasons == ["no snapshot for this required lane"]


def test_blockers_block_and_are_named():
    verdict = decide([make_snapshot(DIRTY)], policy_digest=DIGEST, required_lanes=["synth"])
    assert not verdict.passed
    assert verdict.lanes[0].reasons == ["forbidden-nat-gateway: aws_nat_gateway.x"]


def test_snapshot_under_another_policy_is_refused():
    verdict = decide([make_snapshot(CLEAN)], policy_digest="f" * 64, required_lanes=["synth"])
    assert not verdict.passed
    assert "current policy" in verdict.lanes[0].reasons[0]


def test_newest_snapshot_of_a_lane_counts():
    old = make_snapshot(DIRTY, run_id="old")
    new = make_snapshot(CLEAN, run_id="new", finished_at=T0 + dt.timedelta(minutes=5))
    assert decide([new, old], policy_digest=DIGEST, required_lanes=["synth"]).passed
    assert not decide([make_snapshot(CLEAN, run_id="x"), make_snapshot(DIRTY, run_id="y", finished_at=T0 + dt.timedelta(hours=1))], policy_digest=DIGEST, required_lanes=["synth"]).passed


def test_unreadable_evidence_blocks():
    verdict = decide([make_snapshot(CLEAN)], policy_digest=DIGEST, required_lanes=["synth"], problems=["x: unreadable"])
    assert not verdict.passed


def test_every_waived_finding_is_listed_even_when_the_verdict_passes():
    waived = DIRTY[0].model_copy(update={"waiver": "legacy NAT, removed next sprint"})
    verdict = decide([make_snapshot([*CLEAN, waived])], policy_digest=DIGEST, required_lanes=["synth"])
    assert verdict.passed
    assert [(w.lane, w.code, w.subject, w.justification) for w in verdict.waived] == [
        ("synth", "forbidden-nat-gateway", "aws_nat_gateway.x", "legacy NAT, removed next sprint")
    ]


def partial(lane, **recorded):
    return make_snapshot(CLEAN, lane=lane, details={"coverage": coverage(**recorded)})


@pytest.mark.parametrize(
    ("snapshot", "reason"),
    [
        (partial("synth", stacks=["demo"]), "partial coverage: stacks core, confluent not checked"),
        (partial("live", stacks=STACK_NAMES, sections=["backend"]), "partial coverage: sections infra, budget, cost not checked"),
        (partial("live", stacks=["demo"], sections=LIVE_SECTIONS), "partial coverage: stacks core, confluent not checked"),
        (make_snapshot(CLEAN, lane="live", details={}), "coverage is not recorded"),
    ],
    ids=["synth-one-stack", "live-only-backend", "live-one-stack", "live-unrecorded"],
)
def test_a_partial_check_does_not_satisfy_a_required_lane(snapshot, reason):
    verdict = decide([snapshot], policy_digest=DIGEST, required_lanes=[snapshot.lane])
    assert not verdict.passed
    assert any(reason in r for r in verdict.lanes[0].reasons)


def test_full_coverage_counts_and_a_partial_lane_that_is_not_required_does_not_block():
    full_live = partial("live", stacks=STACK_NAMES, sections=LIVE_SECTIONS, regions=["eu-west-2"])
    verdict = decide(
        [make_snapshot(CLEAN), full_live, partial("plan", stacks=["demo"])],
        policy_digest=DIGEST,
        required_lanes=["synth", "live"],
    )
    assert verdict.passed


def refused_contract(**overrides):
    return make_snapshot(
        [fail("destroy-out-of-scope", "core", "core", "core may not be torn down")],
        lane="teardown-contract", details={"refused": True, "terraform_ran": False}, **overrides,
    )


def test_a_refused_invocation_is_set_aside_and_listed():
    verdict = decide([make_snapshot(CLEAN), refused_contract()], policy_digest=DIGEST, required_lanes=["synth"])
    assert verdict.passed
    assert [lane.lane for lane in verdict.lanes] == ["synth"]
    [ignored] = verdict.ignored
    assert "teardown-contract" in ignored and "destroy-out-of-scope" in ignored and "changed nothing" in ignored


def test_a_refusal_never_stands_for_a_required_lane():
    verdict = decide([make_snapshot(CLEAN), refused_contract()], policy_digest=DIGEST, required_lanes=["synth", "teardown-contract"])
    assert not verdict.passed
    [contract] = [lane for lane in verdict.lanes if lane.lane == "teardown-contract"]
    assert contract.reasons[0].startswith("no snapshot for this required lane; made by `stackguard teardown plan")


def test_a_refusal_does_not_hide_an_older_blocked_run_of_the_lane():
    blocked = make_snapshot(DIRTY, lane="teardown-contract", run_id="older")
    later = refused_contract(run_id="later", finished_at=T0 + dt.timedelta(hours=1))
    verdict = decide([make_snapshot(CLEAN), blocked, later], policy_digest=DIGEST, required_lanes=["synth"])
    assert not verdict.passed
    [contract] = [lane for lane in verdict.lanes if lane.lane == "teardown-contract"]
    assert contract.run_id == "older"


def test_a_passing_snapshot_marked_refused_is_not_set_aside():
    """Only a blocked snapshot can be a refusal; a pass that says so is judged like any other."""
    odd = make_snapshot(CLEAN, lane="teardown-contract", details={"refused": True}, policy_digest="f" * 64)
    verdict = decide([make_snapshot(CLEAN), odd], policy_digest=DIGEST, required_lanes=["synth"])
    assert not verdict.passed and verdict.ignored == []


def closure(*snapshots):
    from guards.policy import VerdictPolicy

    lanes = VerdictPolicy().lanes_for("closure")
    return decide(list(snapshots), policy_digest=DIGEST, required_lanes=lanes)


def full_live(**overrides):
    return make_snapshot(CLEAN, lane="live", **overrides)


def test_closure_names_each_missing_proof():
    verdict = closure(make_snapshot(CLEAN))
    assert not verdict.passed
    reasons = {lane.lane: lane.reasons for lane in verdict.lanes if lane.reasons}
    assert set(reasons) == {"live", "teardown-contract", "teardown-verify"}
    assert "backend readiness, network posture, budget and cost" in reasons["live"][0]


def test_closure_passes_with_every_proof_under_the_policy():
    verdict = closure(
        make_snapshot(CLEAN), full_live(),
        make_snapshot(CLEAN, lane="teardown-contract", details={}), make_snapshot(CLEAN, lane="teardown-verify", details={}),
    )
    assert verdict.passed, verdict.lanes


def test_closure_refuses_a_partial_live_check():
    partial = full_live(details={"coverage": coverage(stacks=STACK_NAMES, sections=["backend", "infra"])})
    verdict = closure(
        make_snapshot(CLEAN), partial,
        make_snapshot(CLEAN, lane="teardown-contract", details={}), make_snapshot(CLEAN, lane="teardown-verify", details={}),
    )
    assert not verdict.passed
    [live] = [lane for lane in verdict.lanes if lane.lane == "live"]
    assert live.reasons == ["partial coverage: sections budget, cost not checked"]

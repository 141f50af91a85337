"""Roll snapshots up into one decision: progression only on an empty blocker list.

Pure: the caller loads the snapshots. A verdict passes only if every required lane has a
snapshot, each passes with no blockers, and each was taken under the current policy.

A snapshot of a refused invocation (a deploy or teardown stopped at its gates before
terraform ran: a stack outside the teardown scope, static credentials, out of order)
changed nothing, so it neither blocks nor stands for its lane: it is listed as ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field

from evidence.snapshot import SCHEMA_VERSION, Snapshot
from foundation.coverage import gaps


class LaneResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    lane: str
    run_id: str | None
    overall_pass: bool
    blockers: int
    reasons: list[str]


class WaivedFinding(BaseModel):
    """A finding that would block but for a waiver: never hidden by the roll-up."""

    model_config = ConfigDict(frozen=True)

    lane: str
    code: str
    subject: str
    stack: str | None
    justification: str


class Verdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy_digest: str
    lanes: list[LaneResult]
    problems: list[str]  # unreadable snapshots and other input the verdict could not use
    waived: list[WaivedFinding] = []
    ignored: list[str] = []  # refused invocations: they changed nothing

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        return not self.problems and all(lane.overall_pass and not lane.reasons for lane in self.lanes)


#: How a missing required lane is made, so the verdict names what to run.
MAKES = {
    "synth": "`stackguard check synth` (or `make run`)",
    "live": "`stackguard check live` of every stack and section: backend readiness, network posture, budget and cost",
    "teardown-contract": "`stackguard teardown plan STACK` (or `teardown run`): the destroy contract",
    "teardown-verify": "`stackguard teardown run STACK`: the verification after the destroy",
}


def _missing(lane: str) -> str:
    made_by = MAKES.get(lane)
    return "no snapshot for this required lane" + (f"; made by {made_by}" if made_by else "")


def _judge(lane: str, snapshot: Snapshot | None, policy_digest: str, *, required: bool) -> LaneResult:
    if snapshot is None:
        return LaneResult(lane=lane, run_id=None, overall_pass=False, blockers=0, reasons=[_missing(lane)])
    reasons = []
    if snapshot.schema_version != SCHEMA_VERSION:
        reasons.append(f"schema version {snapshot.schema_version}, expected {SCHEMA_VERSION}")
    if snapshot.policy_digest != policy_digest:
        reasons.append(f"taken under policy {snapshot.policy_digest[:12]}, current policy is {policy_digest[:12]}")
    if required:  # a partial check of a lane that stands for the whole does not count
        reasons.extend(gaps(lane, snapshot.details.get("coverage")))
    reasons.extend(f"{b.code}: {b.subject}" for b in snapshot.blockers)
    return LaneResult(
        lane=lane,
        run_id=snapshot.run_id,
        overall_pass=snapshot.overall_pass,
        blockers=len(snapshot.blockers),
        reasons=reasons,
    )


def decide(
    snapshots: list[Snapshot], *, policy_digest: str, required_lanes: list[str], problems: list[str] | None = None
) -> Verdict:
    """The newest snapshot of each lane counts (refused invocations aside); lanes beyond
    the required ones count too."""
    newest: dict[str, Snapshot] = {}
    ignored: list[str] = []
    for snapshot in sorted(snapshots, key=lambda s: (s.finished_at, s.run_id)):
        if refused(snapshot):
            ignored.append(_refusal(snapshot))
            continue
        newest[snapshot.lane] = snapshot
    lanes = sorted(set(required_lanes) | set(newest))
    return Verdict(
        policy_digest=policy_digest,
        lanes=[_judge(lane, newest.get(lane), policy_digest, required=lane in required_lanes) for lane in lanes],
        problems=list(problems or []),
        waived=[waived for lane in lanes if lane in newest for waived in _waived(newest[lane])],
        ignored=ignored,
    )


def refused(snapshot: Snapshot) -> bool:
    """A lane that stopped at its gates before terraform ran: nothing was planned or changed.
    Only a blocked snapshot can be one; a passing one is never set aside."""
    return snapshot.details.get("refused") is True and not snapshot.overall_pass


def _refusal(snapshot: Snapshot) -> str:
    why = ", ".join(sorted({b.code for b in snapshot.blockers}))
    return f"{snapshot.lane} run {snapshot.run_id}: refused before terraform ran ({why}); it changed nothing"


def _waived(snapshot: Snapshot) -> list[WaivedFinding]:
    return [
        WaivedFinding(
            lane=snapshot.lane, code=f.code, subject=f.subject, stack=f.stack, justification=f.waiver
        )
        for f in snapshot.findings
        if f.waiver is not None
    ]

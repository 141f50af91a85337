"""The verdict for a person: one line a lane, its reasons, the problems, every waived
finding (a waiver never hides what it covers), the refused invocations set aside, then
PASS or BLOCKED."""

from __future__ import annotations

from evidence.verdict import Verdict


def verdict_lines(result: Verdict) -> list[str]:
    lines = []
    for lane in result.lanes:
        state = "pass" if lane.overall_pass and not lane.reasons else "BLOCKED"
        lines.append(f"{lane.lane:<10} {state:<8} run {lane.run_id or '-'}")
        lines.extend(f"  - {reason}" for reason in lane.reasons)
    lines.extend(f"problem: {problem}" for problem in result.problems)
    lines.extend(f"waived: {w.lane} {w.code} {w.subject} ({w.justification})" for w in result.waived)
    lines.extend(f"ignored: {refusal}" for refusal in result.ignored)
    lines.append("VERDICT: PASS" if result.passed else "VERDICT: BLOCKED")
    return lines

"""Which findings each output shows, decided once so every format tells the same story."""

from __future__ import annotations

from collections import Counter

from evidence.snapshot import Snapshot
from guards.findings import BLOCKING, Finding, Status


def blocking(snapshot: Snapshot) -> list[Finding]:
    """Findings that stop progression: the ones `snapshot.blockers` is derived from."""
    return [f for f in snapshot.findings if f.blocks]


def is_waived(finding: Finding) -> bool:
    """A waiver only means something on a finding that would otherwise block."""
    return finding.status in BLOCKING and finding.waiver is not None


def waived(snapshot: Snapshot) -> list[Finding]:
    """Findings that would block but are covered by a waiver; they stay visible."""
    return [f for f in snapshot.findings if is_waived(f)]


def not_passing(snapshot: Snapshot) -> list[Finding]:
    """Every non-PASS finding, blockers before waived ones, each in snapshot order."""
    return blocking(snapshot) + waived(snapshot)


def status_counts(snapshot: Snapshot) -> dict[Status, int]:
    """A count for every status, zeros included, so summaries have a fixed shape."""
    counted = Counter(f.status for f in snapshot.findings)
    return {status: counted.get(status, 0) for status in Status}


def verdict(snapshot: Snapshot) -> str:
    """The one-line verdict, taken from the snapshot's own derived fields."""
    if snapshot.overall_pass:
        return "PASS"
    return f"BLOCKED: {len(snapshot.blockers)} blocker(s)"

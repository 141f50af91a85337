"""The check lanes: evaluate an inventory against the policy and record a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidence.provenance import git_sha, utc_now
from evidence.snapshot import Snapshot
from evidence.store import write_snapshot
from guards.engine import evaluate
from guards.inventory import Inventory
from guards.policy import Policy
from stackguard import __version__


def run_check(
    *,
    lane: str,
    inventory: Inventory,
    policy: Policy,
    documents: Mapping[str | None, str],
    evidence_root: Path,
    run_id: str,
    details: Mapping[str, Any] | None = None,
) -> tuple[Snapshot, Path]:
    """Evaluate, build the snapshot (verdict derived from findings) and write it."""
    started = utc_now()
    findings, waivers_applied = evaluate(inventory, policy, today=started.date(), documents=documents)
    snapshot = Snapshot(
        lane=lane,
        run_id=run_id,
        environment=policy.environment,
        started_at=started,
        finished_at=utc_now(),
        policy_digest=policy.digest,
        input_digests=dict(sorted(inventory.input_digests.items())),
        tool_version=__version__,
        git_sha=git_sha(),
        findings=findings,
        waivers_applied=waivers_applied,
        details={
            "stacks": sorted(s for s in inventory.stacks if s),
            "resources": len(inventory.resources),
            "module_calls": len(inventory.module_calls),
            **(details or {}),
        },
    )
    return snapshot, write_snapshot(evidence_root, snapshot)

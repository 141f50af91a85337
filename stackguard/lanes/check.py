"""The check lanes: evaluate an inventory against the policy and record a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidence.snapshot import Snapshot
from evidence.store import write_snapshot
from guards.engine import evaluate
from guards.inventory import Inventory
from guards.policy import Policy
from stackguard.lanes.operator import Gathered, build_snapshot


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
    gathered = Gathered()
    gathered.findings, gathered.waivers = evaluate(
        inventory, policy, today=gathered.started.date(), documents=documents
    )
    gathered.inputs = dict(inventory.input_digests)
    gathered.details = {
        "stacks": sorted(s for s in inventory.stacks if s),
        "resources": len(inventory.resources),
        "module_calls": len(inventory.module_calls),
        **(details or {}),
    }
    snapshot = build_snapshot(lane, run_id, policy, gathered)
    return snapshot, write_snapshot(evidence_root, snapshot)

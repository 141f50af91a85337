"""The check lanes: load an inventory, evaluate it against the policy, record a snapshot.

`check_synth`, `check_plan` and `check_live` are the three views of `stackguard check`;
`run_check` is the step they share (and the deploy lane's `deploy-live`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from evidence.snapshot import Snapshot
from evidence.store import write_snapshot
from foundation.coverage import coverage
from guards.engine import evaluate
from guards.inventory import Inventory
from guards.policy import Policy
from stackguard.lanes.live import LiveScope, collect_live
from stackguard.lanes.operator import Gathered, build_snapshot
from stacks.config import PlatformConfig


@dataclass(frozen=True)
class Recording:
    """Where a check records: the evidence root and the run id."""

    evidence_root: Path
    run_id: str


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


def estimate_details(inventory: Inventory, policy: Policy) -> dict[str, Any]:
    """Per-stack monthly totals at list prices, for the snapshot (`details.estimate`)."""
    from guards.estimate import estimate, load_prices

    return estimate(inventory, policy, load_prices()).details()


def check_synth(path: Path, policy: Policy, where: Recording) -> tuple[Snapshot, Path]:
    """Lane `synth`: a cdktf.out directory or one cdk.tf.json."""
    from guards.documents import load_synth

    inventory = load_synth(path)
    documents = {Path(p).parent.name: p for p in inventory.input_digests}
    return run_check(
        lane="synth", inventory=inventory, policy=policy, documents=documents,
        evidence_root=where.evidence_root, run_id=where.run_id,
        details={
            "coverage": coverage(stacks=(s for s in inventory.stacks if s)),
            "estimate": estimate_details(inventory, policy),
        },
    )


def check_plan(file: Path, stack: str | None, policy: Policy, where: Recording) -> tuple[Snapshot, Path]:
    """Lane `plan`: `terraform show -json PLANFILE` output."""
    from guards.documents import load_plan

    inventory = load_plan(file, stack=stack)
    return run_check(
        lane="plan", inventory=inventory, policy=policy, documents={None: str(file)},
        evidence_root=where.evidence_root, run_id=where.run_id,
        details={
            "coverage": coverage(stacks=(s for s in inventory.stacks if s)),
            "estimate": estimate_details(inventory, policy),
        },
    )


def check_live(
    config: PlatformConfig, scope: LiveScope, policy: Policy, where: Recording
) -> tuple[Snapshot, Path]:
    """Lane `live`: the account, read through boto3's usual credential chain."""
    from guards.live.spend_details import spend_details

    inventory = collect_live(boto3.Session(region_name=config.region), config=config, policy=policy, scope=scope)
    details = {
        "sections": sorted(scope.sections),
        "spend": spend_details(inventory.live.spend if inventory.live else []),
        "coverage": coverage(
            stacks=scope.stacks, sections=scope.sections, regions=policy.live.regions or [config.region]
        ),
    }
    return run_check(
        lane="live", inventory=inventory, policy=policy, documents={}, details=details,
        evidence_root=where.evidence_root, run_id=where.run_id,
    )

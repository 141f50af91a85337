"""The verdict lane: gather the snapshots of a run (local or published) and decide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.gather import gather_snapshots
from evidence.verdict import Verdict, decide
from guards.policy import Policy


def _s3_client(config_file: Path | None) -> Any:
    """An S3 client in the configuration's region (only an s3:// prefix needs one)."""
    import boto3

    from evidence.publish import as_client_factory
    from stacks.config import load_config

    config = load_config(config_file)
    return as_client_factory(boto3.Session(region_name=config.region))("s3", config.region)


def judge_evidence(
    source: str, run_id: str | None, policy: Policy, config_file: Path | None, profile: str | None = None
) -> Verdict:
    """Pass only if every lane the profile requires passed under this policy; unreadable or
    unproven evidence is a problem, and a problem blocks."""
    required = policy.verdict.lanes_for(profile)  # an unknown profile: exit 2 before reading
    snapshots, problems = gather_snapshots(source, run_id, lambda: _s3_client(config_file))
    return decide(snapshots, policy_digest=policy.digest, required_lanes=required, problems=problems)

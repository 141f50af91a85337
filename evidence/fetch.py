"""Read published lanes back for a verdict: through each lane's index, every object checked.

Returns snapshots and problems, the same two things the local verdict gathers, so
`evidence.verdict.decide` judges both alike. Anything that cannot be proven is a problem,
which blocks: a lane's run without its index (incomplete), an object missing or differing
from the sha256 its index records, a snapshot that does not read, or one whose content
disagrees with its key.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from evidence import s3_objects
from evidence.remote_layout import (
    ROOT,
    EvidencePrefix,
    LaneRun,
    RunIndex,
    index_key,
    parse_index_key,
    parse_snapshot_key,
)
from evidence.snapshot import Snapshot
from evidence.store import EvidenceError, parse_snapshot
from foundation.digests import bytes_sha256


def fetch_lane_run(s3: Any, bucket: str, lane_run: LaneRun) -> tuple[list[Snapshot], list[str]]:
    """One lane's run, through its index."""
    key = index_key(lane_run.environment, lane_run.lane, lane_run.run_id)
    where = s3_objects.url(bucket, key)
    body = s3_objects.get(s3, bucket, key)
    if body is None:
        return [], [f"incomplete run {lane_run.run_id}: no index at {where} (its publication did not finish)"]
    try:
        index = RunIndex.model_validate(json.loads(body))
    except (ValidationError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [], [f"{where}: not a readable run index: {reason}"]
    if index.lane_run != lane_run:
        return [], [f"{where}: indexes {index.lane_run.name}, not {lane_run.name}"]
    snapshots, problems = [], []
    for entry in index.objects:
        try:
            snapshots.append(_fetch_indexed(s3, bucket, lane_run, entry.key, entry.sha256))
        except EvidenceError as exc:
            problems.append(str(exc))
    return snapshots, problems


def _fetch_indexed(s3: Any, bucket: str, lane_run: LaneRun, key: str, sha256: str) -> Snapshot:
    where = s3_objects.url(bucket, key)
    if parse_snapshot_key(key) != lane_run:
        raise EvidenceError(f"{where}: not the snapshot key of {lane_run.name}")
    body = s3_objects.get(s3, bucket, key)
    if body is None:
        raise EvidenceError(f"{where}: listed in the run's index but missing")
    if bytes_sha256(body) != sha256:
        raise EvidenceError(
            f"{where}: sha256 mismatch: the index records {sha256}, the object has {bytes_sha256(body)}"
        )
    snapshot = parse_snapshot(body, source=where)
    held = LaneRun(snapshot.environment, snapshot.lane, snapshot.run_id)
    if held != lane_run:
        raise EvidenceError(f"{where}: holds the snapshot of {held.name}, not the one its key names")
    return snapshot


def lane_runs(keys: list[str], environment: str) -> set[LaneRun]:
    """Every lane's run with an index or a snapshot among the keys below one environment."""
    found = {parse_index_key(key) or parse_snapshot_key(key) for key in keys}
    return {each for each in found if each is not None and each.environment == environment}


def fetch_snapshots(
    s3: Any, prefix: EvidencePrefix, *, run_id: str | None = None
) -> tuple[list[Snapshot], list[str]]:
    """Every lane's run below the prefix (or only those of `run_id`); one with snapshots but
    no index is an incomplete run and blocks."""
    if prefix.lane_run is not None:
        return fetch_lane_run(s3, prefix.bucket, prefix.lane_run)
    keys = s3_objects.list_keys(s3, prefix.bucket, f"{ROOT}/{prefix.environment}/")
    snapshots, problems = [], []
    for lane_run in sorted(lane_runs(keys, prefix.environment)):
        if run_id is not None and lane_run.run_id != run_id:
            continue
        try:
            found, trouble = fetch_lane_run(s3, prefix.bucket, lane_run)
        except EvidenceError as exc:  # a key no publication of ours would write
            found, trouble = [], [str(exc)]
        snapshots.extend(found)
        problems.extend(trouble)
    return snapshots, problems

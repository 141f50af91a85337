"""Read published runs back for a verdict: through each run's index, every object checked.

Returns snapshots and problems, the same two things the local verdict gathers, so
`evidence.verdict.decide` judges both alike. Anything that cannot be proven is a problem,
which blocks: a run without its index (incomplete), an object missing or differing from
the sha256 its index records, a snapshot that does not read, or one whose content
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
    RunIndex,
    index_key,
    parse_index_key,
    parse_snapshot_key,
    sha256_hex,
)
from evidence.snapshot import Snapshot
from evidence.store import EvidenceError, parse_snapshot


def fetch_run(s3: Any, bucket: str, environment: str, run_id: str) -> tuple[list[Snapshot], list[str]]:
    """One run, through its index."""
    key = index_key(environment, run_id)
    where = s3_objects.url(bucket, key)
    body = s3_objects.get(s3, bucket, key)
    if body is None:
        return [], [f"incomplete run {run_id}: no index at {where} (its publication did not finish)"]
    try:
        index = RunIndex.model_validate(json.loads(body))
    except (ValidationError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [], [f"{where}: not a readable run index: {reason}"]
    if (index.environment, index.run_id) != (environment, run_id):
        return [], [f"{where}: indexes run {index.environment}/{index.run_id}, not {environment}/{run_id}"]
    snapshots, problems = [], []
    for entry in index.objects:
        try:
            snapshots.append(_fetch_indexed(s3, bucket, index, entry.key, entry.sha256))
        except EvidenceError as exc:
            problems.append(str(exc))
    return snapshots, problems


def _fetch_indexed(s3: Any, bucket: str, index: RunIndex, key: str, sha256: str) -> Snapshot:
    where = s3_objects.url(bucket, key)
    named = parse_snapshot_key(key)
    if named is None or (named.environment, named.run_id) != (index.environment, index.run_id):
        raise EvidenceError(f"{where}: not a snapshot key of run {index.environment}/{index.run_id}")
    body = s3_objects.get(s3, bucket, key)
    if body is None:
        raise EvidenceError(f"{where}: listed in the run's index but missing")
    if sha256_hex(body) != sha256:
        raise EvidenceError(
            f"{where}: sha256 mismatch: the index records {sha256}, the object has {sha256_hex(body)}"
        )
    snapshot = parse_snapshot(body, source=where)
    held = (snapshot.environment, snapshot.lane, snapshot.run_id)
    if held != (named.environment, named.lane, named.run_id):
        raise EvidenceError(f"{where}: holds the snapshot of {'/'.join(held)}, not the one its key names")
    return snapshot


def run_ids(keys: list[str], environment: str) -> tuple[set[str], set[str]]:
    """(runs with an index, runs with snapshots) among the keys below one environment."""
    indexed, snapshotted = set(), set()
    for key in keys:
        if (found := parse_index_key(key)) and found[0] == environment:
            indexed.add(found[1])
        elif (named := parse_snapshot_key(key)) and named.environment == environment:
            snapshotted.add(named.run_id)
    return indexed, snapshotted


def fetch_snapshots(
    s3: Any, prefix: EvidencePrefix, *, run_id: str | None = None
) -> tuple[list[Snapshot], list[str]]:
    """Every run below the prefix (or only `run_id`); a run with snapshots but no index is
    an incomplete run and blocks."""
    if prefix.run_id is not None:
        return fetch_run(s3, prefix.bucket, prefix.environment, prefix.run_id)
    keys = s3_objects.list_keys(s3, prefix.bucket, f"{ROOT}/{prefix.environment}/")
    indexed, snapshotted = run_ids(keys, prefix.environment)
    snapshots, problems = [], []
    for each in sorted(indexed | snapshotted):
        if run_id is not None and each != run_id:
            continue
        try:
            found, trouble = fetch_run(s3, prefix.bucket, prefix.environment, each)
        except EvidenceError as exc:  # a key no publication of ours would write
            found, trouble = [], [str(exc)]
        snapshots.extend(found)
        problems.extend(trouble)
    return snapshots, problems

"""Gather the snapshots a verdict judges, from a local directory or a published prefix.

Both return snapshots and problems (what could not be read or proven), so
`evidence.verdict.decide` judges both alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence.fetch import fetch_snapshots
from evidence.remote_layout import is_s3_url, parse_evidence_url
from evidence.snapshot import Snapshot
from evidence.store import EvidenceError, find_snapshots, read_snapshot
from foundation.errors import StackguardError
from foundation.files import is_regular_file


def local_snapshots(run_dir: Path, run_id: str | None = None) -> tuple[list[Snapshot], list[str]]:
    """Every snapshot below a local directory (of one run, if given); unreadable ones are problems."""
    if not run_dir.is_dir():
        raise StackguardError(f"{run_dir}: no such directory")
    snapshots, problems = [], []
    for path in find_snapshots(run_dir):
        if not is_regular_file(path):  # a FIFO or device planted in the tree: bad input, at once
            raise EvidenceError(f"{path}: not a regular file; the evidence tree holds only snapshot files")
        try:
            snapshot = read_snapshot(path)
        except EvidenceError as exc:
            problems.append(str(exc))
            continue
        if run_id is None or snapshot.run_id == run_id:
            snapshots.append(snapshot)
    return snapshots, problems


def published_snapshots(
    url: str, run_id: str | None, s3: Callable[[], Any]
) -> tuple[list[Snapshot], list[str]]:
    """Snapshots of published lanes, each object checked against its lane's index. `s3`
    makes the client, once the URL is known to be a valid evidence prefix."""
    prefix = parse_evidence_url(url)
    snapshots, problems = fetch_snapshots(s3(), prefix, run_id=run_id)
    return [s for s in snapshots if run_id is None or s.run_id == run_id], problems


def gather_snapshots(
    source: str, run_id: str | None, s3: Callable[[], Any]
) -> tuple[list[Snapshot], list[str]]:
    """A local directory, or an s3:// evidence prefix."""
    if is_s3_url(source):
        return published_snapshots(source, run_id, s3)
    return local_snapshots(Path(source), run_id)

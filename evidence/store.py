"""Where snapshots live on disk: `<root>/<env>/<lane>/<run_id>/<lane>_snapshot.json`.

Writes are atomic (a temporary file renamed into place) and never overwrite an earlier
snapshot: evidence is append-only.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from evidence.snapshot import Snapshot

SNAPSHOT_SUFFIX = "_snapshot.json"


class EvidenceError(ValueError):
    """A snapshot cannot be written or read; one line."""


def snapshot_path(root: Path, snapshot: Snapshot) -> Path:
    return root / snapshot.environment / snapshot.lane / snapshot.run_id / f"{snapshot.lane}{SNAPSHOT_SUFFIX}"


def write_snapshot(root: Path, snapshot: Snapshot) -> Path:
    path = snapshot_path(root, snapshot)
    if path.exists():
        raise EvidenceError(f"{path}: a snapshot for this lane and run already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(snapshot.to_json())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


DERIVED = ("blockers", "overall_pass")


def read_snapshot(path: Path) -> Snapshot:
    """Load a snapshot and re-derive its verdict; a recorded verdict that disagrees with
    its own findings (hand-edited evidence) is refused."""
    try:
        raw = json.loads(path.read_bytes())
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        recorded = {key: raw.pop(key, None) for key in DERIVED}
        snapshot = Snapshot.model_validate(raw)
    except (OSError, ValidationError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EvidenceError(f"{path}: not a readable snapshot: {reason}") from None
    derived = snapshot.model_dump(mode="json", include=set(DERIVED))
    if recorded != derived:
        raise EvidenceError(f"{path}: recorded blockers/overall_pass disagree with its findings")
    return snapshot


def find_snapshots(directory: Path) -> list[Path]:
    return sorted(directory.rglob(f"*{SNAPSHOT_SUFFIX}"))

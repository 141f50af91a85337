"""Where snapshots live on disk: `<root>/<env>/<lane>/<run_id>/<lane>_snapshot.json`.

An operation's terraform log lives beside them, `<root>/<env>/<operation>/<run_id>/terraform.log`
(for teardown, beside the proof), and is never read as a snapshot: only `*_snapshot.json`
files are snapshots, for the verdict and for publication alike.

Writes are atomic and exclusive (a complete temporary file hard-linked into place) and
never overwrite an earlier snapshot: evidence is append-only.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from evidence.snapshot import Snapshot
from foundation.files import RefusedFile, read_regular_file
from foundation.names import check_segment

SNAPSHOT_SUFFIX = "_snapshot.json"
TERRAFORM_LOG = "terraform.log"


class EvidenceError(ValueError):
    """A snapshot cannot be written or read; one line."""


def lane_snapshot_path(root: Path, environment: str, lane: str, run_id: str) -> Path:
    """The snapshot's path; each name must be one safe segment, so the path stays below root."""
    try:
        for value, what in ((environment, "environment"), (lane, "lane"), (run_id, "run id")):
            check_segment(value, what)
    except ValueError as exc:
        raise EvidenceError(str(exc)) from None
    return root / environment / lane / run_id / f"{lane}{SNAPSHOT_SUFFIX}"


def run_log_path(root: Path, environment: str, operation: str, run_id: str) -> Path:
    """Where an operation (deploy, teardown) of one run logs what terraform printed."""
    return lane_snapshot_path(root, environment, operation, run_id).with_name(TERRAFORM_LOG)


def snapshot_path(root: Path, snapshot: Snapshot) -> Path:
    return lane_snapshot_path(root, snapshot.environment, snapshot.lane, snapshot.run_id)


def ensure_unwritten(root: Path, environment: str, lanes: list[str], run_id: str) -> None:
    """Refuse up front, before any side effect, a run whose snapshots would already exist."""
    for lane in lanes:
        path = lane_snapshot_path(root, environment, lane, run_id)
        if path.exists():
            raise EvidenceError(f"{path}: a snapshot for this lane and run already exists; use another --run-id")


def write_snapshot(root: Path, snapshot: Snapshot) -> Path:
    """Write the whole snapshot beside its place, then link it into place: the link fails
    if the name is taken, so of two writers with one run id exactly one wins, and a reader
    never sees a half-written file."""
    path = snapshot_path(root, snapshot)
    if path.exists():
        raise EvidenceError(f"{path}: a snapshot for this lane and run already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(snapshot.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, path)
    except FileExistsError:
        raise EvidenceError(f"{path}: a snapshot for this lane and run already exists") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


DERIVED = ("blockers", "overall_pass")


def read_snapshot(path: Path) -> Snapshot:
    """Load a snapshot and re-derive its verdict; a recorded verdict that disagrees with
    its own findings (hand-edited evidence) is refused."""
    try:
        data = read_regular_file(path)
    except RefusedFile as exc:
        raise EvidenceError(f"{path}: not a readable snapshot: {exc}") from None
    return parse_snapshot(data, source=str(path))


def parse_snapshot(data: bytes, *, source: str) -> Snapshot:
    """`read_snapshot` for bytes already in memory (e.g. downloaded); `source` names them in errors."""
    try:
        raw = json.loads(data)
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        recorded = {key: raw.pop(key, None) for key in DERIVED}
        snapshot = Snapshot.model_validate(raw)
    except (ValidationError, ValueError) as exc:
        raise EvidenceError(f"{source}: not a readable snapshot: {_first_line(exc)}") from None
    derived = snapshot.model_dump(mode="json", include=set(DERIVED))
    if recorded != derived:
        raise EvidenceError(f"{source}: recorded blockers/overall_pass disagree with its findings")
    return snapshot


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def find_snapshots(directory: Path) -> list[Path]:
    return sorted(directory.rglob(f"*{SNAPSHOT_SUFFIX}"))

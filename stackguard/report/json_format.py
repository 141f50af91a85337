"""The snapshot as evidence: its own deterministic serialization, nothing added or dropped."""

from __future__ import annotations

from evidence.snapshot import Snapshot


def render(snapshot: Snapshot) -> str:
    return snapshot.to_json()

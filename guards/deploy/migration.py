"""Whether core's state moved intact from its bootstrap file into the state bucket.

`stackguard deploy core --bootstrap` applies core with a local state file (the bucket does
not exist yet), then `terraform init -migrate-state` copies that state into the bucket.
The local copy is retired only when the bucket's object is provably the same state: the
same lineage (the same state, not a new one), the same serial (no write lost or added)
and the same managed resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed


@dataclass(frozen=True)
class StateCopy:
    """One copy of a state file: where it is, and what identifies its content."""

    where: str
    sha256: str
    lineage: str | None
    serial: int | None
    managed: frozenset[str]


def identity(data: bytes) -> tuple[str | None, int | None]:
    """A raw state file's lineage and serial (None when absent or malformed)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(document, dict):
        return None, None
    lineage, serial = document.get("lineage"), document.get("serial")
    return (
        lineage if isinstance(lineage, str) and lineage else None,
        serial if isinstance(serial, int) and not isinstance(serial, bool) else None,
    )


def migration_findings(target: str, local: StateCopy, remote: StateCopy | None, problem: str | None = None) -> list[Finding]:
    """`state-migration-unverified` unless the bucket's copy is the local state."""
    code = catalog.STATE_MIGRATION_UNVERIFIED
    subject = remote.where if remote is not None else "state bucket"
    if remote is None:
        return [fail(code, subject, target, f"the state bucket holds no copy of {local.where}: {problem or 'not found'}")]
    differences = []
    if local.lineage is None or remote.lineage != local.lineage:
        differences.append(f"lineage {remote.lineage!r} is not {local.lineage!r}")
    if local.serial is None or remote.serial != local.serial:
        differences.append(f"serial {remote.serial} is not {local.serial}")
    if remote.managed != local.managed:
        missing = sorted(local.managed - remote.managed)
        extra = sorted(remote.managed - local.managed)
        differences.append(f"resources differ (missing {missing[:5]}, extra {extra[:5]})")
    if not local.managed:
        differences.append(f"{local.where} holds no managed resources: nothing was applied to migrate")
    if differences:
        return [fail(code, subject, target, f"{remote.where} is not {local.where}: " + "; ".join(differences))]
    return [passed(code, subject, target, f"{remote.where} holds {len(remote.managed)} resources, lineage {remote.lineage}, serial {remote.serial}")]

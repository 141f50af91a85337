"""Whether core's state moved intact from its bootstrap file into the state bucket.

`stackguard deploy core --bootstrap` applies core with a local state file (the bucket does
not exist yet), then `terraform init -migrate-state` copies that state into the bucket.
The local copy is retired only when the bucket's object provably holds the same content:
the same resources, attribute for attribute, and the same outputs.

Lineage and serial are recorded but not compared: terraform 1.11 gives the copy in the S3
backend a new lineage and starts its serial again at 1 (seen against the real engine in
tests/e2e), so they identify the file, not what it holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed


@dataclass(frozen=True)
class StateCopy:
    """One copy of a state file: where it is, its bytes' digest, the identity terraform
    gave it, the digest of what it holds (None: unreadable), and its managed resources."""

    where: str
    sha256: str
    lineage: str | None
    serial: int | None
    content: str | None
    managed: frozenset[str]


def identity(data: bytes) -> tuple[str | None, int | None, str | None]:
    """A raw state file's lineage, serial and content digest (the canonical JSON of its
    resources and outputs); None for each part absent or malformed."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None, None, None
    if not isinstance(document, dict):
        return None, None, None
    lineage, serial = document.get("lineage"), document.get("serial")
    resources, outputs = document.get("resources"), document.get("outputs", {})
    content = None
    if isinstance(resources, list) and isinstance(outputs, dict):
        canonical = json.dumps({"resources": resources, "outputs": outputs}, sort_keys=True, separators=(",", ":"))
        content = hashlib.sha256(canonical.encode()).hexdigest()
    return (
        lineage if isinstance(lineage, str) and lineage else None,
        serial if isinstance(serial, int) and not isinstance(serial, bool) else None,
        content,
    )


def migration_findings(target: str, local: StateCopy, remote: StateCopy | None, problem: str | None = None) -> list[Finding]:
    """`state-migration-unverified` unless the bucket's copy holds what the local state holds."""
    code = catalog.STATE_MIGRATION_UNVERIFIED
    subject = remote.where if remote is not None else "state bucket"
    if remote is None:
        return [fail(code, subject, target, f"the state bucket holds no copy of {local.where}: {problem or 'not found'}")]
    differences = []
    if not local.managed:
        differences.append(f"{local.where} holds no managed resources: nothing was applied to migrate")
    if remote.managed != local.managed:
        missing = sorted(local.managed - remote.managed)
        extra = sorted(remote.managed - local.managed)
        differences.append(f"resources differ (missing {missing[:5]}, extra {extra[:5]})")
    elif local.content is None or remote.content != local.content:
        differences.append("the same resources, but other attributes or outputs")
    if differences:
        return [fail(code, subject, target, f"{remote.where} is not {local.where}: " + "; ".join(differences))]
    return [passed(code, subject, target, f"{remote.where} holds the {len(remote.managed)} resources and outputs of {local.where}")]

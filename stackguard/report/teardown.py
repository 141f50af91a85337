"""What an operator reviews before typing the stack's name: the destroy-set and the
preserve-set, in plain text.

Taken from the contract snapshot's details only, like every other output.
"""

from __future__ import annotations

from evidence.snapshot import Snapshot


def destroy_set_summary(snapshot: Snapshot) -> str:
    details = snapshot.details
    deletes = details.get("destroy_set") or []
    preserved = details.get("preserve_set") or []
    head = (
        f"{details.get('target')}: the destroy plan deletes {len(deletes)} resource(s); plan file "
        f"{details.get('plan_file')} (sha256 {details.get('plan_file_sha256')})"
    )
    tail = f"preserve-set: {len(preserved)} identities"
    if snapshot.overall_pass:
        tail += ", none of them deleted by this plan"
    kept = [f"  = {item.get('identity')} ({item.get('why')})" for item in preserved if isinstance(item, dict)]
    return "\n".join([head, *(f"  - delete  {address}" for address in deletes), tail, *kept])

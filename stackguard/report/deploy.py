"""What an operator reviews before typing the stack's name to deploy: the judged plan's
changes, counted and listed by action, in plain text.

Taken from the deploy-plan snapshot's details only (`planned_changes`: address -> action),
like every other output, so what is shown is what was judged and recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

from evidence.snapshot import Snapshot

#: The order actions are shown in, and how each line is marked (terraform's own signs).
ACTIONS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "forget": "!"}


def by_action(planned: Mapping[str, str]) -> dict[str, list[str]]:
    """Addresses grouped by action, sorted; only the actions the plan has."""
    grouped: dict[str, list[str]] = {}
    for action in [*ACTIONS, *sorted(set(planned.values()) - set(ACTIONS))]:
        addresses = sorted(address for address, planned_action in planned.items() if planned_action == action)
        if addresses:
            grouped[action] = addresses
    return grouped


def planned_changes_summary(snapshot: Snapshot) -> str:
    details = snapshot.details
    grouped = by_action(details.get("planned_changes") or {})
    counts = ", ".join(f"{len(addresses)} to {action}" for action, addresses in grouped.items()) or "no changes"
    head = (
        f"{details.get('stack')}: the plan has {counts}; plan file {details.get('plan_file')} "
        f"(sha256 {details.get('plan_file_sha256')})"
    )
    lines = [
        f"  {ACTIONS.get(action, '?'):>3} {action:<7} {address}"
        for action, addresses in grouped.items()
        for address in addresses
    ]
    return "\n".join([head, *lines])

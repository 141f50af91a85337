"""A `$GITHUB_STEP_SUMMARY` page: verdict first, then what blocks, what is waived, and counts;
for a deploy plan, its changes by action; for a teardown contract, the destroy-set and the
preserve-set (what a reviewer of the workflow run needs, taken from the snapshot only)."""

from __future__ import annotations

import re

from evidence.snapshot import Snapshot
from guards.findings import Finding, Status

from .deploy import ACTIONS, by_action
from .selection import blocking, status_counts, verdict, waived

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that would
# otherwise turn a cell into emphasis, a link, inline HTML, an entity, a code span or a new column.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def render(snapshot: Snapshot) -> str:
    blockers, waived_findings = blocking(snapshot), waived(snapshot)
    icon = ":white_check_mark:" if snapshot.overall_pass else ":x:"
    lines = [f"## {icon} stackguard {escape_inline(snapshot.lane)}: {verdict(snapshot)}", ""]
    lines += _counts_table(snapshot, len(waived_findings))
    lines += ["", f"### Blockers ({len(blockers)})", ""]
    lines += _findings_table(blockers, waiver_column=False) if blockers else ["None."]
    lines += ["", f"### Waived ({len(waived_findings)})", ""]
    lines += _findings_table(waived_findings, waiver_column=True) if waived_findings else ["None."]
    lines += _operation(snapshot)
    return "\n".join(lines) + "\n"


def _operation(snapshot: Snapshot) -> list[str]:
    """The plan a deploy judged, or the sets a teardown contract froze, when the snapshot has them."""
    details = snapshot.details
    lines: list[str] = []
    if isinstance(details.get("planned_changes"), dict):
        grouped = by_action(details["planned_changes"])
        counts = ", ".join(f"{len(a)} to {action}" for action, a in grouped.items()) or "no changes"
        lines += ["", f"### Plan: {escape_inline(counts)}", ""]
        lines += [f"- `{ACTIONS.get(action, '?')}` {action} {escape_inline(address)}" for action, addresses in grouped.items() for address in addresses]
    if isinstance(details.get("destroy_set"), list):
        deletes = details["destroy_set"]
        lines += ["", f"### Destroy-set ({len(deletes)})", ""]
        lines += [f"- {escape_inline(str(address))}" for address in deletes] or ["None."]
    if isinstance(details.get("preserve_set"), list):
        kept = [item for item in details["preserve_set"] if isinstance(item, dict)]
        lines += ["", f"### Preserve-set ({len(kept)})", ""]
        lines += [f"- {escape_inline(str(item.get('identity')))} ({escape_inline(str(item.get('why')))})" for item in kept] or ["None."]
    return lines


def escape_inline(value: str) -> str:
    """Literal text for a table cell or heading: no markup, no column break, line breaks as <br>."""
    return "<br>".join(_MARKDOWN_SPECIAL.sub(r"\\\1", part) for part in _LINE_BREAK.split(value))


def _counts_table(snapshot: Snapshot, waived_count: int) -> list[str]:
    counts = status_counts(snapshot)
    header = [status.value for status in Status] + ["waived", "blockers"]
    values = [counts[status] for status in Status] + [waived_count, len(snapshot.blockers)]
    return [_row(header), _row(["---:"] * len(header)), _row([str(v) for v in values])]


def _findings_table(findings: list[Finding], *, waiver_column: bool) -> list[str]:
    header = ["Status", "Code", "Subject", "Stack", "Message"] + (
        ["Waiver"] if waiver_column else []
    )
    rows = [_row(header), _row(["---"] * len(header))]
    for finding in findings:
        cells = [
            finding.status.value,
            finding.code,
            finding.subject,
            finding.stack or "-",
            finding.message,
        ]
        if waiver_column:
            cells.append(finding.waiver or "")
        rows.append(_row([escape_inline(cell) for cell in cells]))
    return rows


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"

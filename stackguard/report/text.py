"""What a person reads at a glance in a terminal: the findings that matter, then the verdict."""

from __future__ import annotations

import io

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from evidence.snapshot import Snapshot
from guards.findings import Finding, Status

from .selection import is_waived, not_passing, status_counts, verdict

DEFAULT_WIDTH = 100
PROSE_MIN_WIDTH = 24  # message and waiver columns stay readable however long the subjects are
STATUS_STYLES = {
    Status.FAIL: "bold red",
    Status.UNKNOWN: "bold yellow",
    Status.ERROR: "bold magenta",
}


def render(snapshot: Snapshot, *, width: int = DEFAULT_WIDTH, color: bool = False) -> str:
    """Plain text unless `color`; the last line is always the verdict."""
    findings = not_passing(snapshot)
    sections: list[str] = []
    if findings:
        sections.append(_render_table(_findings_table(snapshot.lane, findings), width, color))
    sections.append(f"{status_counts(snapshot)[Status.PASS]} PASS check(s)")
    sections.append(verdict(snapshot))
    return "\n".join(sections) + "\n"


def _findings_table(lane: str, findings: list[Finding]) -> Table:
    """Subjects are addresses or ARNs a person copies: they get their whole length, never cut."""
    longest_subject = max(cell_len(f.subject) for f in findings)
    table = Table(title=f"{lane}: findings that are not PASS", title_justify="left", box=box.SIMPLE)
    table.add_column("Status", no_wrap=True)
    table.add_column("Code", no_wrap=True)
    table.add_column("Subject", no_wrap=True, overflow="fold", min_width=longest_subject)
    table.add_column("Stack", no_wrap=True)
    table.add_column("Message", overflow="fold", min_width=PROSE_MIN_WIDTH)
    table.add_column("Waiver", overflow="fold", min_width=PROSE_MIN_WIDTH)
    for finding in findings:
        # Text cells, not markup strings: "[0]" or "[bold]" in an address must print as-is.
        table.add_row(
            Text(finding.status.value, style=STATUS_STYLES.get(finding.status, "")),
            Text(finding.code),
            Text(finding.subject),
            Text(finding.stack or "-"),
            Text(finding.message),
            Text(f"WAIVED: {finding.waiver}" if is_waived(finding) else ""),
        )
    return table


def _render_table(table: Table, width: int, color: bool) -> str:
    """Widen past `width` when the table cannot fit, rather than fold a subject in two."""
    probe = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    needed = Measurement.get(probe, probe.options.update_width(10_000), table).minimum
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=max(width, needed),
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
    )
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(lines).strip("\n")

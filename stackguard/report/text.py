"""What a person reads at a glance in a terminal: a count per code, the findings that
matter (the first few of each code), then the verdict.

Laid out here, not by a terminal renderer: plain columns sized to their content, prose
wrapped to what the width leaves, so no line is wider than `width`. The one exception is
a subject (an address or ARN a person copies) longer than the whole width: it is printed
alone on its line, never cut, and the terminal wraps it. Empty columns are left out.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from evidence.snapshot import Snapshot
from guards.findings import BLOCKING, Finding, Status

from .selection import blocking, is_waived, not_passing, status_counts, verdict

DEFAULT_WIDTH = 100
PER_CODE = 5  # findings shown per code unless every one is asked for
PROSE_MIN_WIDTH = 20  # below this a message column is unreadable: one finding per block instead
GAP = "  "
WAIVED = "waived"
STYLES = {  # ANSI SGR parameters
    Status.FAIL: "1;31",
    Status.UNKNOWN: "1;33",
    Status.ERROR: "1;35",
    WAIVED: "2",
    "heading": "1",
    "pass": "1;32",
    "blocked": "1;31",
}
BLOCKING_ORDER = [s for s in Status if s in BLOCKING]


@dataclass(frozen=True)
class View:
    """How the text report is laid out: the terminal's width, colour, blockers only
    (`quiet`), and how many findings of each code to show (None: every one)."""

    width: int = DEFAULT_WIDTH
    color: bool = False
    quiet: bool = False
    per_code: int | None = PER_CODE


def render(
    snapshot: Snapshot,
    *,
    width: int = DEFAULT_WIDTH,
    color: bool = False,
    quiet: bool = False,
    per_code: int | None = PER_CODE,
) -> str:
    """Plain text unless `color`; the last line is always the verdict."""
    return render_view(snapshot, View(max(width, 20), color, quiet, per_code))


def render_view(snapshot: Snapshot, view: View) -> str:
    paint = _painter(view.color)
    findings = blocking(snapshot) if view.quiet else not_passing(snapshot)
    sections: list[str] = []
    if findings:
        sections.append(_summary(snapshot.lane, findings, view, paint))
        shown, left_out = _first_of_each_code(findings, view.per_code)
        sections.append(_findings(shown, view, paint))
        if left_out:
            sections.append(_left_out(left_out, view.width))
    if not view.quiet:
        sections.append(f"{status_counts(snapshot)[Status.PASS]} PASS check(s)")
    sections.append(paint(verdict(snapshot), "pass" if snapshot.overall_pass else "blocked"))
    return "\n".join(sections) + "\n"


def _painter(color: bool):
    def paint(text: str, style: object) -> str:
        code = STYLES.get(style) if color else None  # type: ignore[call-overload]
        return f"\x1b[{code}m{text}\x1b[0m" if code and text.strip() else text

    return paint


def _kind(finding: Finding) -> object:
    return WAIVED if is_waived(finding) else finding.status


def _summary(lane: str, findings: Sequence[Finding], view: View, paint) -> str:
    """A count per code and status (waived ones apart), only the columns that have any."""
    counts: dict[str, Counter] = {}
    for finding in findings:
        counts.setdefault(finding.code, Counter())[_kind(finding)] += 1
    kinds = [k for k in (*BLOCKING_ORDER, WAIVED) if any(c[k] for c in counts.values())]
    headers = ["CODE", *(str(getattr(k, "value", k)).upper() for k in kinds)]
    rows = [[code, *(str(c[k]) for k in kinds)] for code, c in sorted(counts.items())]
    widths = [max(cell_len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    what = "blocker(s)" if view.quiet else "finding(s) not PASS"
    lines = [paint(f"{lane}: {len(findings)} {what}, by code", "heading")]
    if sum(widths) + len(GAP) * (len(widths) - 1) > view.width:  # too narrow for the table: a line per code
        for code, c in sorted(counts.items()):
            tally = ", ".join(f"{c[k]} {str(getattr(k, 'value', k)).upper()}" for k in kinds if c[k])
            lines.extend(textwrap.wrap(f"{code}: {tally}", view.width, subsequent_indent="  ", break_on_hyphens=False))
        return "\n".join(lines)
    lines.append(_line([_pad(h, w, right=i > 0) for i, (h, w) in enumerate(zip(headers, widths))]))
    for row in rows:
        cells = [_pad(row[0], widths[0])]
        for kind, value, w in zip(kinds, row[1:], widths[1:]):
            cells.append(paint(_pad(value, w, right=True), kind) if value != "0" else _pad(value, w, right=True))
        lines.append(_line(cells))
    return "\n".join(lines)


def _first_of_each_code(findings: Sequence[Finding], per_code: int | None) -> tuple[list[Finding], Counter]:
    """The first `per_code` findings of each code, in report order; how many of each are left out."""
    if per_code is None:
        return list(findings), Counter()
    seen: Counter = Counter()
    shown: list[Finding] = []
    for finding in findings:
        seen[finding.code] += 1
        if seen[finding.code] <= per_code:
            shown.append(finding)
    return shown, Counter({code: n - per_code for code, n in seen.items() if n > per_code})


def _left_out(left_out: Counter, width: int) -> str:
    listed = ", ".join(f"{n} {code}" for code, n in sorted(left_out.items()))
    line = f"{sum(left_out.values())} more finding(s) not shown ({listed}); --all shows every one"
    return "\n".join(textwrap.wrap(line, width, break_on_hyphens=False))


def _findings(findings: Sequence[Finding], view: View, paint) -> str:
    """A table when the prose gets a readable width beside the subjects, else one block each."""
    with_stack = any(f.stack for f in findings)
    with_waiver = any(is_waived(f) for f in findings)
    fixed = {
        "status": max(cell_len(h) for h in ["STATUS", *(f.status.value for f in findings)]),
        "code": max(cell_len(h) for h in ["CODE", *(f.code for f in findings)]),
        "subject": max(cell_len(h) for h in ["SUBJECT", *(f.subject for f in findings)]),
    }
    if with_stack:
        fixed["stack"] = max(cell_len(h) for h in ["STACK", *(f.stack or "-" for f in findings)])
    prose = ["message", *(["waiver"] if with_waiver else [])]
    room = view.width - sum(fixed.values()) - len(GAP) * (len(fixed) + len(prose) - 1)
    if room < PROSE_MIN_WIDTH * len(prose):
        return "\n".join(_block(f, view.width, with_stack, paint) for f in findings)
    prose_width = room // len(prose)
    prose_widths = {name: prose_width for name in prose}
    if with_waiver:  # the message first: the waiver's justification has whatever is left
        longest = max(cell_len(line) for f in findings for line in f.message.splitlines() or [""])
        prose_widths["message"] = max(PROSE_MIN_WIDTH, min(longest, room - PROSE_MIN_WIDTH))
        prose_widths["waiver"] = room - prose_widths["message"]
    widths = fixed | prose_widths
    header = _line([_pad(name.upper(), widths[name]) for name in widths])
    lines = [header]
    for finding in findings:
        lines.extend(_row(finding, widths, paint))
    return "\n".join(lines)


def _row(finding: Finding, widths: dict[str, int], paint) -> Iterable[str]:
    columns = {
        "status": [finding.status.value],
        "code": [finding.code],
        "subject": [finding.subject],
        "stack": [finding.stack or "-"],
        "message": _wrap(finding.message, widths.get("message", 0)),
        "waiver": _wrap(f"WAIVED: {finding.waiver}", widths.get("waiver", 0)) if is_waived(finding) else [""],
    }
    height = max(len(columns[name]) for name in widths)
    for i in range(height):
        cells = []
        for name, width in widths.items():
            value = columns[name][i] if i < len(columns[name]) else ""
            cell = _pad(value, width)
            cells.append(paint(cell, _kind(finding)) if name == "status" and value else cell)
        yield _line(cells)


def _block(finding: Finding, width: int, with_stack: bool, paint) -> str:
    """Status, code and stack; the subject alone on its line (whole); the prose indented."""
    head = [paint(finding.status.value, _kind(finding)), finding.code]
    if with_stack:
        head.append(finding.stack or "-")
    lines = [_line(head), f"  {finding.subject}"]
    lines.extend(f"    {line}" for line in _wrap(finding.message, width - 4))
    if is_waived(finding):
        lines.extend(f"    {line}" for line in _wrap(f"WAIVED: {finding.waiver}", width - 4))
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    """Each line of `text` wrapped to `width` cells; a word longer than that is cut."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return lines


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(width - cell_len(text), 0)
    return space + text if right else text + space


def _line(cells: Iterable[str]) -> str:
    return GAP.join(cells).rstrip()

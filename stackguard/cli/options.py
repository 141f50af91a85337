"""The options the commands share, each defined once, and the values they turn into."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from foundation.errors import StackguardError
from stackguard.report import FORMATS, Format
from stackguard.report.text import PER_CODE
from stacks.config import CONFIG_ENV_VAR


def parse_format(value: Format | str) -> Format:
    """An unknown --format is refused while the arguments are read, before any work (exit 2)."""
    try:
        return Format(value)
    except ValueError:
        raise StackguardError(f"--format must be one of {', '.join(sorted(FORMATS))}, not {value!r}") from None


ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help=f"Platform configuration (TOML). Default: ${CONFIG_ENV_VAR} or ./platform.toml.",
        dir_okay=False,
    ),
]
PolicyOption = Annotated[
    Optional[Path],
    typer.Option(
        "--policy",
        help="Policy file (TOML). Default: $STACKGUARD_POLICY or ./policy.toml.",
        dir_okay=False,
    ),
]
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        parser=parse_format,
        metavar="FORMAT",
        help="text (a count per code, then the findings, fitted to the terminal), json (the snapshot), sarif (2.1.0, for code scanning), "
        "junit, or markdown (for $GITHUB_STEP_SUMMARY).",
    ),
]
EvidenceOption = Annotated[
    Path,
    typer.Option(
        "--evidence-dir",
        help="Root of the evidence tree: <dir>/<env>/<lane>/<run_id>/<lane>_snapshot.json.",
        file_okay=False,
    ),
]


def parse_run_id(value: str) -> str:
    """A run id becomes a path segment of the evidence tree: refused while the arguments
    are read (exit 2, one line), before anything runs, whether from --run-id or
    $STACKGUARD_RUN_ID."""
    from foundation.names import check_segment

    try:
        return check_segment(value, "run id")
    except ValueError as exc:
        raise StackguardError(str(exc)) from None


MAX_INPUT_NAMES = "--max-input-mb ($STACKGUARD_MAX_INPUT_MB)"


def parse_max_input_mb(value: str) -> int:
    """A positive whole number of MiB, refused while the arguments are read (exit 2)."""
    try:
        megabytes = int(value.strip())
    except ValueError:
        raise StackguardError(f"{MAX_INPUT_NAMES} must be a whole number of MiB, not {value!r}") from None
    if megabytes <= 0:
        raise StackguardError(f"{MAX_INPUT_NAMES} must be a positive number of MiB, not {megabytes}")
    return megabytes


RunIdOption = Annotated[
    Optional[str],
    typer.Option(
        "--run-id",
        parser=parse_run_id,
        help="Run id shared by the lanes of one run (letters, digits, '.', '_', '-'). "
        "Default: $STACKGUARD_RUN_ID or a new one.",
        envvar="STACKGUARD_RUN_ID",
    ),
]
RunIdFilterOption = Annotated[
    Optional[str], typer.Option("--run-id", parser=parse_run_id, help="Only snapshots of this run.")
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", help="Also write the report to this file.", dir_okay=False),
]
NoColorOption = Annotated[
    bool,
    typer.Option("--no-color", help="Text format: no colour (also when $NO_COLOR is set; never colour without a terminal)."),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Text format: blockers only (no waived findings, no PASS count).")
]
AllOption = Annotated[
    bool, typer.Option("--all", help=f"Text format: every finding, not only the first {PER_CODE} of each code.")
]
OutDirOption = Annotated[
    Path,
    typer.Option("--out", help="The synthesized app (cdktf.out); terraform runs in <out>/stacks/<stack>.", file_okay=False),
]
AutoApproveOption = Annotated[bool, typer.Option("--auto-approve", help="Do not ask for the stack name (CI).")]
AllowStaticOption = Annotated[
    bool,
    typer.Option(
        "--allow-static-credentials",
        help="Accept long-lived AWS keys (a local sandbox only); the snapshot records it.",
    ),
]

DEFAULT_OUT = Path("cdktf.out")
DEFAULT_EVIDENCE = Path("runs")


def run_id_or_new(run_id: str | None) -> str:
    from evidence.provenance import new_run_id

    return run_id or new_run_id()

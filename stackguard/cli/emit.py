"""Everything a command prints: the report on stdout (and in the --output file), the
snapshot path and publication on stderr, and the exit code the snapshot decides.

Reports are written straight to stdout, never through a terminal renderer: the machine
formats byte for byte as rendered, the text format laid out for the terminal (its width,
colour unless NO_COLOR or --no-color). The --output file is written whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from evidence.snapshot import Snapshot
from foundation.errors import ExitCode, StackguardError
from stackguard.report import Format

out = Console()
err = Console(stderr=True, soft_wrap=True)


def say(text: str) -> None:
    """One line (or block) on stdout."""
    out.print(text, markup=False, highlight=False, soft_wrap=True, end="" if text.endswith("\n") else "\n")


def note(text: str) -> None:
    """One line on stderr: what was written where, warnings, errors."""
    err.print(text, markup=False, highlight=False, soft_wrap=True)


def synthesizing():
    """Progress on stderr while a synthesis runs (about 20 s: jsii loads the AWS provider)."""
    from stackguard.progress import waiting

    return waiting("synthesizing", expected="about 20 s", console=err)


@dataclass(frozen=True)
class Reporting:
    """How a command reports: the format, the --output file, the configuration that says
    where evidence is published; for the text format, colour (--no-color), blockers only
    (--quiet) and every finding rather than the first of each code (--all)."""

    fmt: Format = Format.TEXT
    output: Path | None = None
    config_file: Path | None = None
    no_color: bool = False
    quiet: bool = False
    show_all: bool = False


def terminal() -> tuple[bool, int]:
    """Whether stdout is a terminal, and the width to lay text out in: the terminal's
    (or $COLUMNS); without a terminal, $COLUMNS or the text report's default."""
    from stackguard.report.text import DEFAULT_WIDTH

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, OSError, ValueError):
        tty = False
    if tty:
        return True, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    columns = os.environ.get("COLUMNS", "")
    return False, int(columns) if columns.isdigit() and int(columns) > 0 else DEFAULT_WIDTH


def wants_color(tty: bool, reporting: Reporting) -> bool:
    """Colour only on a terminal, and never with --no-color or a non-empty $NO_COLOR (no-color.org)."""
    return tty and not reporting.no_color and not os.environ.get("NO_COLOR")


def show(snapshot: Snapshot, reporting: Reporting, written: Path | None = None) -> None:
    """The report on stdout, and in the --output file when one is given (text without colour).
    `written` is the file the snapshot was just recorded in: the json report is its bytes,
    read back rather than serialized a second time (at 10,000 findings that is a second)."""
    from stackguard.report import render
    from stackguard.report.text import PER_CODE, View, render_view

    if reporting.fmt is Format.TEXT:
        tty, width = terminal()
        view = View(width, False, reporting.quiet, None if reporting.show_all else PER_CODE)
        report = render_view(snapshot, view)
        shown = render_view(snapshot, View(width, True, view.quiet, view.per_code)) if wants_color(tty, reporting) else report
    elif reporting.fmt is Format.JSON and written is not None:
        report = shown = written.read_text(encoding="utf-8")
    else:
        report = shown = render(snapshot, reporting.fmt, github_repository=_github_repository(reporting))
    if reporting.output is not None:
        write_whole(reporting.output, report)
    sys.stdout.write(shown if shown.endswith("\n") else shown + "\n")
    sys.stdout.flush()


def write_whole(path: Path, text: str) -> None:
    """Write beside `path`, then rename into place: a reader never sees half a report, and
    a failure leaves what was there before. Unwritable is one line, exit 2."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StackguardError(f"--output {path}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, path)
    except OSError as exc:
        raise StackguardError(f"--output {path}: cannot write there: {exc.strerror or exc}") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _github_repository(reporting: Reporting) -> str | None:
    """The configuration's `[ci] github_repository`, for SARIF's documentation links. A
    report that needs no configuration does not fail for want of one: without it SARIF
    links to the documentation relatively (presentation only; nothing is judged by it)."""
    if reporting.fmt != Format.SARIF:
        return None
    from stacks.config import ConfigError, load_config

    try:
        return load_config(reporting.config_file).ci.github_repository
    except ConfigError:
        return None


def publish(path: Path, reporting: Reporting) -> bool:
    """Publish the snapshot's lane run when publication is switched on; False only when it
    was asked for and failed. Never changes the exit code on its own."""
    from stackguard.lanes.publish import WARNING, publish_if_configured

    lines = publish_if_configured(path.parent, config_file=reporting.config_file)
    for line in lines:
        note(line)
    return not any(line.startswith(WARNING) for line in lines)


def announce(path: Path, reporting: Reporting) -> bool:
    """The snapshot's path on stderr, then its publication (see `publish`)."""
    note(f"snapshot: {path}")
    return publish(path, reporting)


def conclude(snapshot: Snapshot) -> NoReturn:
    raise typer.Exit(ExitCode.PASS if snapshot.overall_pass else ExitCode.BLOCKERS)


def emit(recorded: tuple[Snapshot, Path], reporting: Reporting) -> NoReturn:
    """The end of a lane that recorded a snapshot: report, snapshot line, publication, exit."""
    snapshot, path = recorded
    show(snapshot, reporting, written=path)
    announce(path, reporting)
    conclude(snapshot)

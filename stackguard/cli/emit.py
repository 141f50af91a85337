"""Everything a command prints: the report on stdout (and in the --output file), the
snapshot path and publication on stderr, and the exit code the snapshot decides.

Nothing is printed as markup, and lines are never wrapped: CI logs are grepped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from evidence.snapshot import Snapshot
from foundation.errors import ExitCode
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
    where evidence is published."""

    fmt: Format = Format.TEXT
    output: Path | None = None
    config_file: Path | None = None


def show(snapshot: Snapshot, reporting: Reporting) -> None:
    """The report on stdout, and in the --output file when one is given."""
    from stackguard.report import render

    report = render(snapshot, reporting.fmt, github_repository=_github_repository(reporting))
    if reporting.output is not None:
        reporting.output.parent.mkdir(parents=True, exist_ok=True)
        reporting.output.write_text(report, encoding="utf-8")
    say(report)


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
    show(snapshot, reporting)
    announce(path, reporting)
    conclude(snapshot)

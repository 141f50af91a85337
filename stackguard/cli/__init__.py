"""The `stackguard` command line: thin wiring from arguments to the lanes.

One module per group of commands (synth; check and report; verdict and evidence; deploy
and teardown), the options they share in `options`, everything they print in `emit`.
Every expected failure becomes a one-line message and a documented exit code; a user
never sees a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from foundation.errors import ExitCode, StackguardError
from stackguard import __version__
from stackguard.cli import check, operate, synth, verdict
from stackguard.cli.emit import note, say

app = typer.Typer(
    name="stackguard",
    help=(
        "Synthesize, guard and tear down a cost-bounded cdktf platform (core, confluent, demo).\n\n"
        "Exit codes: 0 pass, 1 blockers found, 2 bad input or configuration, "
        "3 environment or tooling failure."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        say(f"stackguard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Root options."""


app.command()(synth.synth)
app.add_typer(check.check_app, name="check")
app.command()(check.report)
app.command()(verdict.verdict)
app.add_typer(verdict.evidence_app, name="evidence")
app.add_typer(operate.teardown_app, name="teardown")
app.command()(operate.deploy)


def _bad_input_errors() -> tuple[type[Exception], ...]:
    from evidence.store import EvidenceError
    from guards.documents.errors import InputError
    from guards.policy import PolicyError
    from stacks.config import ConfigError

    return (ConfigError, PolicyError, InputError, EvidenceError)


def run() -> None:
    """Console-script entry point: map expected failures to exit codes, never a traceback."""
    bad_input = _bad_input_errors()
    try:
        app()  # standalone: click reports usage errors itself, with exit code 2
    except bad_input as exc:
        note(f"error: {exc}")
        sys.exit(ExitCode.BAD_INPUT)
    except StackguardError as exc:
        note(f"error: {exc}")
        sys.exit(exc.code)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        note(f"error: unexpected {type(exc).__name__}: {exc}")
        sys.exit(ExitCode.ENVIRONMENT)


__all__ = ["app", "run"]

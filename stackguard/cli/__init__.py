"""The `stackguard` command line: thin wiring from arguments to the lanes.

One module per group of commands (synth; check and report; verdict and evidence; deploy
and teardown), the options they share in `options`, everything they print in `emit`.
Every expected failure becomes a one-line message and a documented exit code; a user
never sees a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

try:  # typer >= 0.2x vendors its own click; its exceptions are not click's
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - an older typer on the real click
    from click import exceptions as click

from foundation.errors import ExitCode, StackguardError
from foundation.files import DEFAULT_MAX_INPUT_MB, MAX_INPUT_ENV
from stackguard import __version__
from stackguard.cli import check, doctor, estimate, operate, rules, synth, verdict
from stackguard.cli.emit import note, say
from stackguard.cli.options import parse_max_input_mb

app = typer.Typer(
    name="stackguard",
    help=(
        "Synthesize, guard and tear down a cost-bounded cdktf platform (core, confluent, demo).\n\n"
        "Exit codes: 0 pass, 1 blockers found, 2 bad input or configuration, "
        "3 environment or tooling failure."
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion [bash|zsh|fish|powershell]
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
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    max_input_mb: Annotated[
        Optional[int],
        typer.Option(
            "--max-input-mb",
            parser=parse_max_input_mb,
            metavar="MIB",
            envvar=MAX_INPUT_ENV,
            help=f"The largest file read as a document, policy, configuration or snapshot, in MiB "
            f"(a positive whole number). Default: ${MAX_INPUT_ENV} or {DEFAULT_MAX_INPUT_MB}.",
        ),
    ] = None,
) -> None:
    """Root options."""
    if max_input_mb is not None:
        os.environ[MAX_INPUT_ENV] = str(max_input_mb)  # foundation.files reads the limit from here


app.command()(synth.synth)
app.add_typer(check.check_app, name="check")
app.command()(check.report)
app.command()(verdict.verdict)
app.add_typer(verdict.evidence_app, name="evidence")
app.add_typer(operate.teardown_app, name="teardown")
app.command()(operate.deploy)
app.command()(estimate.estimate)
app.command()(rules.rules)
app.command()(rules.explain)
app.command()(doctor.doctor)
app.command()(doctor.init)


def _bad_input_errors() -> tuple[type[Exception], ...]:
    from evidence.store import EvidenceError
    from guards.documents.errors import InputError
    from guards.policy import PolicyError
    from stacks.config import ConfigError

    return (ConfigError, PolicyError, InputError, EvidenceError)


def _usage_line(exc: click.UsageError) -> str:
    """A usage error as one `error:` line naming the command's --help (no boxed panel)."""
    where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
    return f"error: {' '.join(exc.format_message().split())}{where}"


def run() -> None:
    """Console-script entry point: map expected failures to exit codes, never a traceback."""
    bad_input = _bad_input_errors()
    try:
        code = app(standalone_mode=False)  # errors come back here, to be said in one line
    except click.NoArgsIsHelpError as exc:
        exc.show()  # a bare group or command: its help, as click would print it
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        note(_usage_line(exc))
        sys.exit(ExitCode.BAD_INPUT)
    except typer.Abort:
        note("error: aborted; nothing was changed")
        sys.exit(ExitCode.BAD_INPUT)
    except bad_input as exc:
        note(f"error: {exc}")
        sys.exit(ExitCode.BAD_INPUT)
    except StackguardError as exc:
        note(f"error: {exc}")
        sys.exit(exc.code)
    except KeyboardInterrupt:  # Ctrl-C outside a terraform apply (which records its own)
        note("")
        note("error: interrupted")
        sys.exit(ExitCode.ENVIRONMENT)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        note(f"error: unexpected {type(exc).__name__}: {' '.join(str(exc).split())}")
        sys.exit(ExitCode.ENVIRONMENT)
    sys.exit(code or 0)


__all__ = ["app", "run"]

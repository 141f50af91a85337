"""The `stackguard` command line: thin wiring from arguments to the lanes.

Every expected failure becomes a one-line message and a documented exit code; a user
never sees a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from stackguard import __version__
from stackguard.exit_codes import ExitCode, StackguardError
from stacks.config import CONFIG_ENV_VAR, ConfigError, load_config

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
out = Console()
err = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help=f"Platform configuration (TOML). Default: ${CONFIG_ENV_VAR} or ./platform.toml.",
        dir_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"stackguard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Root options."""


@app.command()
def synth(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Where to write stacks/<name>/cdk.tf.json.", file_okay=False),
    ] = Path("cdktf.out"),
    bootstrap: Annotated[
        bool,
        typer.Option(
            "--bootstrap",
            help="Give core a local backend, for its first deploy before the state bucket exists.",
        ),
    ] = False,
    config_file: ConfigOption = None,
) -> None:
    """Synthesize all stacks (same output as `cdktf synth`) and print each file's sha256."""
    from stackguard.synth import synthesize

    config = load_config(config_file)
    stacks = synthesize(config, out_dir, bootstrap=bootstrap)
    # One line per stack, `sha256sum`-like, so CI logs can be compared and grepped.
    width = max(len(stack.name) for stack in stacks)
    for stack in stacks:
        out.print(
            f"{stack.name:<{width}}  {stack.sha256}  {out_dir / 'stacks' / stack.name / stack.path.name}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def run() -> None:
    """Console-script entry point: map expected failures to exit codes, never a traceback."""
    try:
        app()  # standalone: click reports usage errors itself, with exit code 2
    except ConfigError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(ExitCode.BAD_INPUT)
    except StackguardError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.code)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        err.print(f"error: unexpected {type(exc).__name__}: {exc}", markup=False, highlight=False)
        sys.exit(ExitCode.ENVIRONMENT)

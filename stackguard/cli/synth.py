"""`stackguard synth`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stackguard.cli.emit import note, say, synthesizing
from stackguard.cli.options import DEFAULT_OUT, ConfigOption


def synth(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Where to write stacks/<name>/cdk.tf.json.", file_okay=False),
    ] = DEFAULT_OUT,
    bootstrap: Annotated[
        bool,
        typer.Option(
            "--bootstrap",
            help="Give core a local backend, for its first deploy before the state bucket exists.",
        ),
    ] = False,
    config_file: ConfigOption = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Synthesize even when no input changed since the last run."),
    ] = False,
) -> None:
    """Synthesize all stacks (same output as `cdktf synth`) and print each file's sha256.

    When the stack sources, the configuration, the pinned cdktf versions and --bootstrap
    are unchanged since the last synth into the same directory (and its files are intact),
    the output is reused without starting jsii.
    """
    from stackguard.synth import synthesize
    from stacks.config import load_config

    stacks = synthesize(
        load_config(config_file), out_dir, bootstrap=bootstrap, use_cache=not no_cache, while_cold=synthesizing
    )
    if stacks and all(stack.cached for stack in stacks):
        note(f"reused {out_dir}: no synthesis input changed (--no-cache to force)")
    # One line per stack, `sha256sum`-like, so CI logs can be compared and grepped.
    width = max(len(stack.name) for stack in stacks)
    for stack in stacks:
        say(f"{stack.name:<{width}}  {stack.sha256}  {out_dir / 'stacks' / stack.name / stack.path.name}")

"""`stackguard estimate`: what each stack costs per month if left running, at list prices."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from foundation.errors import StackguardError
from stackguard.cli.emit import say, synthesizing
from stackguard.cli.options import DEFAULT_OUT, ConfigOption, PolicyOption


class EstimateFormat(str, Enum):
    TEXT = "text"
    JSON = "json"


def _inventory(path: Path | None, stack: str | None, config_file: Path | None):
    """PATH as given (cdktf.out, a cdk.tf.json, plan or state JSON), else a fresh synth,
    reused when nothing changed since the last one (as `stackguard synth`)."""
    from guards.documents import load_document

    if path is None:
        from stackguard.synth import synthesize
        from stacks.config import load_config

        synthesize(load_config(config_file), DEFAULT_OUT, while_cold=synthesizing)
        path = DEFAULT_OUT
    if not path.exists():
        raise StackguardError(f"{path}: no such file or directory")
    return load_document(path, stack if path.is_file() else None)


def estimate(
    path: Annotated[
        Optional[Path],
        typer.Argument(help="A cdktf.out directory, a cdk.tf.json, or plan JSON. Default: synthesize."),
    ] = None,
    stack: Annotated[
        Optional[str],
        typer.Option("--stack", help="Only this stack (for a plan: the stack it belongs to)."),
    ] = None,
    policy_file: PolicyOption = None,
    config_file: ConfigOption = None,
    fmt: Annotated[EstimateFormat, typer.Option("--format", help="text (a table) or json.")] = EstimateFormat.TEXT,
) -> None:
    """Estimate each stack's monthly cost if left running, from dated list prices (not
    billing data), against the budget's stop threshold and cap. Exit 0 unless the input is bad."""
    import dataclasses

    from guards.estimate import PriceTableError, load_prices
    from guards.estimate import estimate as run_estimate
    from guards.policy import load_policy
    from stackguard.report.estimate import render_json, render_text

    policy = load_policy(policy_file)
    inventory = _inventory(path, stack, config_file)
    try:
        result = run_estimate(inventory, policy, load_prices())
    except PriceTableError as exc:
        raise StackguardError(str(exc)) from None
    if stack is not None:
        kept = tuple(s for s in result.stacks if s.stack == stack)
        if not kept:
            known = ", ".join(sorted(s.stack for s in result.stacks if s.stack)) or "none"
            raise StackguardError(f"--stack {stack!r} is not in the input (stacks: {known})")
        result = dataclasses.replace(result, stacks=kept)
    say(render_json(result) if fmt is EstimateFormat.JSON else render_text(result))

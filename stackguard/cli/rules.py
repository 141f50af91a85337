"""`stackguard rules` and `stackguard explain CODE`: the catalog, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from foundation.errors import StackguardError
from stackguard.cli.emit import say


def rules() -> None:
    """List every blocker code: severity, whether a policy waiver can cover it, where it
    applies (synth, plan, live, deploy, teardown) and what it means."""
    from stackguard.report.explain import rules_table

    say(rules_table())


def explain(
    code: Annotated[str, typer.Argument(help="A blocker code, e.g. forbidden-nat-gateway.")],
) -> None:
    """Everything about one code: why it matters, how to fix it, how to waive it (or that
    it cannot be), and the IAM permissions its live check needs."""
    from stackguard.report.explain import explain as render
    from stackguard.report.explain import lookup

    try:
        entry = lookup(code)
    except LookupError as exc:
        raise StackguardError(str(exc)) from None
    say(render(entry))

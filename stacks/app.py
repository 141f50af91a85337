"""Wire the configuration into one cdktf App holding all three stacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from cdktf import App

from stacks.bootstrap import bootstrap_state_path
from stacks.config import PlatformConfig
from stacks.confluent import ConfluentStack
from stacks.core import CoreStack
from stacks.demo import DemoStack


def build_app(
    config: PlatformConfig,
    *,
    ci_reads: Mapping[str, Iterable[str]],
    outdir: Path | None = None,
    bootstrap: bool = False,
) -> App:
    """The App with core, confluent and demo; `bootstrap` gives core a local backend.

    core's deploy and teardown roles manage what the other stacks declare, so they are
    granted once those stacks exist; `ci_reads` are each CI lane's read actions.

    Without `outdir`, cdktf's own CLI decides where to write (it sets CDKTF_OUTDIR). The
    bootstrap state file lives in the directory the command runs from (the project root).
    """
    app = App(outdir=str(outdir)) if outdir is not None else App()
    local_state = bootstrap_state_path(Path(app.outdir), Path.cwd()) if bootstrap else None
    core = CoreStack(app, config=config, ci_reads=ci_reads, local_state_path=local_state)
    managed = [ConfluentStack(app, config=config), DemoStack(app, config=config)]
    core.ci.grant_management({stack.stack_name: stack.resource_types() for stack in managed})
    return app

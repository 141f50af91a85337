"""cdktf app entry point (`cdktf synth` and `cdktf deploy` run it, see cdktf.json): wiring only.

The synth guard (stackguard/app_guard.py) checks what this app synthesizes against the
policy before the cdktf CLI sees it: blockers stop `cdktf deploy` at synth.
STACKGUARD_SKIP_SYNTH_GUARD=1 skips that check, loudly. STACKGUARD_BOOTSTRAP=1 gives core
a local backend for its first deploy (see docs/deploy.md).
"""

import os
import sys
from pathlib import Path

from stackguard.node_runtime import ensure_supported_node

ensure_supported_node()  # before cdktf is imported: jsii starts node on first use

from guards.catalog import ci_reads  # noqa: E402
from stackguard.app_guard import BOOTSTRAP_VARIABLE, run_app  # noqa: E402
from stacks.config import load_config  # noqa: E402

BOOTSTRAP = os.environ.get(BOOTSTRAP_VARIABLE) == "1"


def synthesize(outdir: Path) -> None:
    config = load_config()  # validated before jsii starts
    from stacks.app import build_app  # imports cdktf: starts jsii, about 20 s

    build_app(config, outdir=outdir, ci_reads=ci_reads(), bootstrap=BOOTSTRAP).synth()


if __name__ == "__main__":
    sys.exit(run_app(synthesize, bootstrap=BOOTSTRAP))

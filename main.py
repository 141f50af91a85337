"""cdktf app entry point (`cdktf synth` runs `python main.py`): wiring only.

STACKGUARD_BOOTSTRAP=1 gives core a local backend for its first deploy (see docs/deploy.md).
"""

import os

from stackguard.node_runtime import ensure_supported_node

ensure_supported_node()  # before cdktf is imported: jsii starts node on first use

from guards.catalog import ci_reads  # noqa: E402
from stacks.app import build_app  # noqa: E402
from stacks.config import load_config  # noqa: E402

if __name__ == "__main__":
    build_app(load_config(), ci_reads=ci_reads(), bootstrap=os.environ.get("STACKGUARD_BOOTSTRAP") == "1").synth()

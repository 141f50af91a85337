"""Where core keeps its state before the state bucket exists (no cdktf import here, so the
synth cache can compute it without starting jsii)."""

from __future__ import annotations

import os
from pathlib import Path

BOOTSTRAP_STATE_FILE = "terraform.core.bootstrap.tfstate"


def bootstrap_state_path(outdir: Path, project_root: Path) -> str:
    """Where core keeps local state for its first deploy, before the state bucket exists.

    The file sits at the project root (not in cdktf.out, which a re-synth may replace);
    the path is relative to the stack's working directory so the output stays portable.
    """
    stack_dir = outdir.resolve() / "stacks" / "core"
    return os.path.relpath(project_root.resolve() / BOOTSTRAP_STATE_FILE, stack_dir)

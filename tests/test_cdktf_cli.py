"""The real cdktf CLI (pinned in package.json) synthesizes the same bytes as `stackguard synth`."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CDKTF = REPO_ROOT / "node_modules/.bin/cdktf"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cdktf_synth_equals_stackguard_synth(synth_dir, tmp_path):
    if not CDKTF.exists():
        pytest.fail("the cdktf CLI is not installed: run `make test` (it runs npm install)")
    environ = dict(os.environ)
    # The CLI runs on the node npm installed it with (its native modules match that node);
    # it runs `python main.py` from cdktf.json, so this interpreter goes first on PATH, and
    # main.py picks a supported node for jsii itself.
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ["PATH"]])
    environ |= {"CHECKPOINT_DISABLE": "1", "DISABLE_VERSION_CHECK": "1", "CI": "true"}
    result = subprocess.run(
        [str(CDKTF), "synth", "--output", str(tmp_path / "out")],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for name in ("confluent", "core", "demo"):
        ours = synth_dir / "stacks" / name / "cdk.tf.json"
        theirs = tmp_path / "out/stacks" / name / "cdk.tf.json"
        assert digest(theirs) == digest(ours), name

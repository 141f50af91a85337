"""`stackguard synth` and `stackguard estimate` say on stderr that a slow synthesis is under
way, never on stdout and never when the synth cache serves the output. The synthesis is a
fake that takes 1.5 s (the real one takes about 20 s)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from rich.console import Console

from stackguard import synth
from stackguard.cli import emit
from tests.conftest import REPO_ROOT, in_process

LINE = "synthesizing ... (about 20 s)\n"


@pytest.fixture
def slow_synth(monkeypatch):
    """The cold path replaced (so jsii is never loaded): 1.5 s, then one stack file."""
    calls = []

    def synthesize_cold(config, outdir: Path, *, bootstrap: bool):
        calls.append(outdir)
        time.sleep(1.5)
        stack = outdir / "stacks" / "demo" / "cdk.tf.json"
        stack.parent.mkdir(parents=True)
        stack.write_text('{"resource": {}}')
        return synth.list_stacks(outdir)

    monkeypatch.setattr(synth, "_synthesize_cold", synthesize_cold)
    return calls


def test_off_a_terminal_a_slow_synth_prints_one_line_on_stderr_only(slow_synth, tmp_path):
    code, stdout, stderr = in_process("synth", "--out", str(tmp_path / "out"))
    assert code == 0 and len(slow_synth) == 1
    assert stderr == LINE
    assert re.fullmatch(r"demo  [0-9a-f]{64}  \S+/out/stacks/demo/cdk\.tf\.json\n", stdout)


def test_served_from_the_cache_nothing_is_said(slow_synth, tmp_path):
    assert in_process("synth", "--out", str(tmp_path / "out"))[0] == 0
    code, stdout, stderr = in_process("synth", "--out", str(tmp_path / "out"))
    assert code == 0 and len(slow_synth) == 1
    assert "synthesizing" not in stderr and stderr.startswith("reused ")
    assert "synthesizing" not in stdout


def test_at_a_terminal_a_spinner_runs_on_stderr(slow_synth, tmp_path, monkeypatch):
    screen = Console(file=io.StringIO(), force_terminal=True, width=80, color_system=None)
    monkeypatch.setattr(emit, "err", screen)
    code, stdout, _ = in_process("synth", "--out", str(tmp_path / "out"))
    assert code == 0
    shown = screen.file.getvalue()
    assert "synthesizing (about 20 s) 1 s" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert shown.endswith("\x1b[2K")  # the spinner's line is cleared when the synth ends
    assert "synthesizing" not in stdout


def test_estimate_says_so_while_it_synthesizes(slow_synth, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # estimate synthesizes into ./cdktf.out
    code, stdout, stderr = in_process(
        "estimate", "--policy", str(REPO_ROOT / "policy.toml"), "--config", str(REPO_ROOT / "platform.toml")
    )
    assert len(slow_synth) == 1, (code, stdout, stderr)
    assert stderr.startswith(LINE) and "synthesizing" not in stdout, (code, stderr)

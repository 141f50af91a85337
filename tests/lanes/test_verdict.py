"""The verdict over what the check lanes wrote: a partial check never stands for the whole."""

import pytest

from tests.conftest import in_process


@pytest.mark.slow
def test_check_synth_of_one_stack_does_not_satisfy_the_synth_lane(synth_dir, tmp_path):
    evidence = str(tmp_path / "runs")
    demo = str(synth_dir / "stacks" / "demo" / "cdk.tf.json")
    code, _, stderr = in_process("check", "synth", demo, "--evidence-dir", evidence, "--run-id", "one-stack")
    assert code == 0, stderr
    code, stdout, _ = in_process("verdict", evidence, "--run-id", "one-stack")
    assert code == 1
    assert "partial coverage: stacks core, confluent not checked" in stdout
    assert "VERDICT: BLOCKED" in stdout

    code, _, stderr = in_process("check", "synth", str(synth_dir), "--evidence-dir", evidence, "--run-id", "whole")
    assert code == 0, stderr
    code, stdout, _ = in_process("verdict", evidence, "--run-id", "whole")
    assert (code, stdout.strip().splitlines()[-1]) == (0, "VERDICT: PASS")

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


def test_the_verdict_text_names_every_waived_finding(tmp_path):
    from evidence.store import write_snapshot
    from guards.findings import fail
    from guards.policy import load_policy
    from tests.conftest import REPO_ROOT
    from tests.evidence.conftest import make_snapshot

    waived = fail("forbidden-nat-gateway", "aws_nat_gateway.x", "demo", "nat").model_copy(
        update={"waiver": "legacy NAT until 2026-12"}
    )
    digest = load_policy(REPO_ROOT / "policy.toml").digest
    write_snapshot(tmp_path, make_snapshot([waived], policy_digest=digest))
    code, stdout, _ = in_process("verdict", str(tmp_path))
    assert code == 0
    assert "waived: synth forbidden-nat-gateway aws_nat_gateway.x (legacy NAT until 2026-12)" in stdout

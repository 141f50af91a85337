"""Inputs built to hang, exhaust memory or crash the writer get one line and exit 2."""

import json
import os
import threading

import pytest

from tests.conftest import in_process


def run(*args, tmp_path):
    """The CLI in-process, on a thread, so a hang fails the test instead of the run."""
    outcome = []
    worker = threading.Thread(
        target=lambda: outcome.append(in_process(*args, "--evidence-dir", str(tmp_path / "runs"))), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert outcome, "the command did not finish"
    return outcome[0]


def plan_with(after: str) -> str:
    return (
        '{"format_version":"1.2","resource_changes":[{"address":"aws_instance.a","type":"aws_instance",'
        '"name":"a","mode":"managed","change":{"actions":["create"],"after":' + after + "}}]}"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"resource_changes":' + "[" * 100_000 + "]" * 100_000 + "}", "nests too deeply"),
        (plan_with('{"x":' + "9" * 5000 + "}"), "more digits than can be read"),
        (plan_with('{"name":"\\ud800"}'), "unpaired UTF-16 surrogate escape (\\ud800)"),
        (plan_with('{"name":"\\udc00x"}'), "unpaired UTF-16 surrogate escape (\\udc00)"),
    ],
    ids=["deep-nesting", "huge-integer", "lone-high-surrogate", "lone-low-surrogate"],
)
def test_hostile_json_is_one_line_and_exit_2(tmp_path, text, reason):
    path = tmp_path / "plan.json"
    path.write_text(text)
    code, stdout, stderr = run("check", "plan", str(path), tmp_path=tmp_path)
    assert code == 2
    assert reason in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists()


def test_paired_surrogates_and_an_escaped_backslash_are_fine(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(plan_with('{"emoji":"\\ud83d\\ude00","path":"C:\\\\ud800"}'))
    code, _, stderr = run("check", "plan", str(path), tmp_path=tmp_path)
    assert code in (0, 1), stderr


def test_a_literal_count_past_the_bound_is_an_input_error_not_an_allocation(tmp_path):
    path = tmp_path / "cdk.tf.json"
    path.write_text(json.dumps({"resource": {"aws_nat_gateway": {"n": {"count": 10**12}}}}))
    code, _, stderr = run("check", "synth", str(path), tmp_path=tmp_path)
    assert code == 2
    assert "past the bound of 10000 instances" in stderr


@pytest.mark.parametrize("command", [("check", "plan"), ("check", "synth")])
def test_a_fifo_or_device_as_the_document_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "cdk.tf.json"
    os.mkfifo(fifo)
    for target in (str(fifo), "/dev/zero"):
        code, _, stderr = run(*command, target, tmp_path=tmp_path)
        assert code == 2
        assert "not a regular file" in stderr


@pytest.mark.parametrize("option", ["--policy", "--config"])
def test_a_fifo_as_policy_or_configuration_is_refused_at_once(tmp_path, option):
    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    args = ("check", "live", option, str(fifo)) if option == "--config" else ("check", "synth", option, str(fifo))
    code, _, stderr = run(*args, tmp_path=tmp_path)
    assert code == 2
    assert "FIFO" in stderr


def test_a_fifo_under_the_evidence_tree_does_not_hang_the_verdict(tmp_path):
    lane = tmp_path / "runs" / "dev_min" / "synth" / "r1"
    lane.mkdir(parents=True)
    os.mkfifo(lane / "synth_snapshot.json")
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(in_process("verdict", str(tmp_path / "runs"))), daemon=True)
    worker.start()
    worker.join(timeout=60)
    code, stdout, stderr = outcome[0]
    assert code == 2
    assert "not a regular file" in stderr and len(stderr.strip().splitlines()) == 1

"""`stackguard estimate` on the shipped synth, a corpus plan, and bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import in_process
from tests.corpus import ACTIVE, corpus_file

NONSTANDARD = [name for name in ACTIVE.documents() if name.startswith("nonstandard/")]


def test_the_shipped_synth_as_a_table(synth_dir):
    code, stdout, stderr = in_process("estimate", str(synth_dir))
    assert (code, stderr) == (0, "")
    assert all(len(line) <= 80 for line in stdout.splitlines())
    assert "demo (ephemeral): 29.81 USD a month, over the stop" in stdout
    assert "list prices as of" in stdout and "not billing data" in stdout
    assert "Always on (core): 0.00 USD a month." in stdout


def test_one_stack_as_json(synth_dir):
    code, stdout, _ = in_process("estimate", str(synth_dir), "--stack", "demo", "--format", "json")
    result = json.loads(stdout)
    assert code == 0 and [s["stack"] for s in result["stacks"]] == ["demo"]
    [stack] = result["stacks"]
    assert stack["monthly_usd"] == "29.81" and (result["stop_usd"], result["cap_usd"]) == ("28.00", "30.00")
    assert {line["billed"] for line in stack["lines"]} >= {"Fargate vCPU", "RDS db.t4g.micro", "public IPv4 (tasks)"}


def test_a_corpus_plan():
    code, stdout, _ = in_process("estimate", str(corpus_file("cyse7125-infra-aws__infra_tfplan.json")), "--format", "json")
    assert code == 0
    [stack] = json.loads(stdout)["stacks"]
    monthly = [(line["billed"], line["monthly_usd"]) for line in stack["lines"]]
    assert monthly.count(("NAT gateway hour", "36.50")) == 3 and ("EKS control plane", "73.00") in monthly
    assert stack["complete"] is False  # the node groups bill by the hour and are not in the table


@pytest.mark.parametrize(
    "args",
    [
        ["/nonexistent/plan.json"],
        ["--stack", "nowhere"],
        ["--format", "yaml"],
    ],
    ids=["missing-file", "unknown-stack", "unknown-format"],
)
def test_bad_input_is_one_line_and_exit_2(args, synth_dir):
    if args[0] == "--stack":
        args = [str(synth_dir), *args]
    code, stdout, stderr = in_process("estimate", *args)
    assert code == 2 and stdout == ""
    assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", NONSTANDARD)
def test_nonstandard_documents_are_estimated_or_refused_in_one_line(name):
    code, stdout, stderr = in_process("estimate", str(ACTIVE.root / name))
    assert code in (0, 2)
    if code == 2:
        assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1


def test_the_check_lanes_record_the_estimate(synth_dir, tmp_path):
    code, stdout, _ = in_process("check", "synth", str(synth_dir), "--format", "json", "--evidence-dir", str(tmp_path))
    snapshot = json.loads(stdout)
    assert code == 0, snapshot["blockers"]
    recorded = snapshot["details"]["estimate"]
    assert recorded["stacks"]["demo"] == {"lifecycle": "ephemeral", "monthly_usd": "29.81", "complete": True}
    assert (recorded["always_on_usd"], recorded["stop_usd"]) == ("0.00", "28.00")

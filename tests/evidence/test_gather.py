"""Gathering snapshots for a verdict: a local tree or a published prefix, problems kept."""

from __future__ import annotations

import pytest

from evidence.gather import gather_snapshots, local_snapshots, published_snapshots
from evidence.store import EvidenceError, write_snapshot
from foundation.errors import ExitCode, StackguardError
from guards.findings import passed
from tests.evidence.conftest import make_snapshot

CLEAN = [passed("forbidden-nat-gateway", "*", None, "checked")]


def never_called():
    raise AssertionError("no S3 client is needed here")


def test_a_local_tree_yields_its_snapshots_and_each_unreadable_one_as_a_problem(tmp_path):
    for lane, run in (("synth", "r1"), ("plan", "r1"), ("plan", "r2")):
        write_snapshot(tmp_path, make_snapshot(CLEAN, lane=lane, run_id=run))
    broken = tmp_path / "dev_min" / "live" / "r1" / "live_snapshot.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{}")

    snapshots, problems = local_snapshots(tmp_path)
    assert sorted((s.lane, s.run_id) for s in snapshots) == [("plan", "r1"), ("plan", "r2"), ("synth", "r1")]
    assert len(problems) == 1 and str(broken) in problems[0]
    only_r1, _ = gather_snapshots(str(tmp_path), "r1", never_called)
    assert sorted(s.lane for s in only_r1) == ["plan", "synth"]


def test_a_missing_directory_is_bad_input(tmp_path):
    with pytest.raises(StackguardError, match="no such directory") as refused:
        local_snapshots(tmp_path / "absent")
    assert refused.value.code is ExitCode.BAD_INPUT


def test_a_bad_prefix_is_refused_before_any_client_is_made():
    with pytest.raises(EvidenceError, match="expected s3://BUCKET/evidence/ENV/"):
        published_snapshots("s3://bucket/other/dev_min/", None, never_called)


def test_a_terraform_log_in_the_tree_is_neither_a_snapshot_nor_a_problem_nor_published(tmp_path):
    """The operator lanes' log sits among the snapshots (for teardown, beside the proof):
    the verdict and publication read `*_snapshot.json` only."""
    from evidence.publish import stage_run
    from evidence.store import TERRAFORM_LOG, run_log_path

    path = write_snapshot(tmp_path, make_snapshot(CLEAN, lane="teardown", run_id="r1"))
    log = run_log_path(tmp_path, "dev_min", "teardown", "r1")
    assert log == path.with_name(TERRAFORM_LOG)
    log.write_text("==> terraform apply\nError: something\n")

    snapshots, problems = local_snapshots(tmp_path)
    assert [(s.lane, s.run_id) for s in snapshots] == [("teardown", "r1")] and problems == []
    staged = stage_run(path.parent)
    assert [lane.snapshot.source for lane in staged.lanes] == [path]


def test_a_log_path_stays_below_the_root(tmp_path):
    from evidence.store import run_log_path

    with pytest.raises(EvidenceError, match="run id"):
        run_log_path(tmp_path, "dev_min", "deploy", "../x")

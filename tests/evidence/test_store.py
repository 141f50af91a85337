"""The evidence store: exclusive writes, and names that cannot leave the evidence tree."""

import datetime as dt
import threading

import pytest

from evidence.snapshot import Snapshot
from evidence.store import (
    EvidenceError,
    ensure_unwritten,
    lane_snapshot_path,
    read_snapshot,
    write_snapshot,
)

MOMENT = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def snapshot(run_id: str = "r1", **fields) -> Snapshot:
    values = dict(
        lane="synth", run_id=run_id, environment="dev_min", started_at=MOMENT, finished_at=MOMENT,
        policy_digest="d", input_digests={}, tool_version="0", git_sha=None, findings=[],
    )
    return Snapshot(**(values | fields))


def test_two_writers_with_one_run_id_exactly_one_wins_and_nothing_is_lost(tmp_path):
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        try:
            write_snapshot(tmp_path, snapshot(details={"writer": n}))
            outcomes.append("written")
        except EvidenceError:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["written"]
    [path] = list(tmp_path.rglob("*_snapshot.json"))
    assert read_snapshot(path).details["writer"] in range(8)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


@pytest.mark.parametrize("run_id", ["../../x", "/abs", "a/b", "..", ".hidden", "", "x" * 129, "a\nb", "a b"])
def test_run_ids_that_would_leave_the_tree_are_refused(tmp_path, run_id):
    with pytest.raises(EvidenceError, match="run id"):
        lane_snapshot_path(tmp_path, "dev_min", "synth", run_id)
    with pytest.raises(EvidenceError, match="run id"):
        ensure_unwritten(tmp_path, "dev_min", ["synth"], run_id)
    with pytest.raises(ValueError):
        snapshot(run_id=run_id)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("environment", ["../prod", "a/b", "/etc"])
def test_an_environment_that_would_leave_the_tree_is_refused(tmp_path, environment):
    with pytest.raises(EvidenceError, match="environment"):
        lane_snapshot_path(tmp_path, environment, "synth", "r1")


def test_ordinary_run_ids_are_fine(tmp_path):
    for run_id in ("20261128T213220Z-30e6ec", "ci-1234.5", "make_run"):
        assert lane_snapshot_path(tmp_path, "dev_min", "synth", run_id).is_relative_to(tmp_path)

"""Snapshots derive their verdict, serialize deterministically and refuse tampering."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pydantic import ValidationError

from evidence.schema_export import SCHEMA_FILE, snapshot_schema_json
from evidence.store import EvidenceError, read_snapshot, snapshot_path, write_snapshot
from guards.findings import fail, passed, unknown
from tests.evidence.conftest import make_snapshot

FINDINGS = [
    passed("budget-missing", "*", None, "1 budgets checked"),
    fail("forbidden-nat-gateway", "module.vpc.aws_nat_gateway.this[0]", "demo", "nat"),
    unknown("unknown-count", "aws_lb.web", "demo", "count unknown"),
    fail("unverifiable-module", "module.legacy", "demo", "remote").model_copy(update={"waiver": "reviewed"}),
]


def test_blockers_and_overall_pass_are_derived():
    snapshot = make_snapshot(FINDINGS)
    assert [(b.code, b.subject) for b in snapshot.blockers] == [
        ("forbidden-nat-gateway", "module.vpc.aws_nat_gateway.this[0]"),
        ("unknown-count", "aws_lb.web"),
    ]
    assert snapshot.overall_pass is False
    assert make_snapshot(FINDINGS[:1] + FINDINGS[3:]).overall_pass is True


def test_derived_fields_cannot_be_set_by_hand():
    with pytest.raises(ValidationError):
        make_snapshot([], overall_pass=True)


def test_serialization_is_deterministic_whatever_the_finding_order():
    assert make_snapshot(FINDINGS).to_json() == make_snapshot(list(reversed(FINDINGS))).to_json()


def test_times_must_be_utc():
    with pytest.raises(ValidationError, match="UTC"):
        make_snapshot([], started_at=dt.datetime(2026, 11, 23, 3, 0))


def test_written_snapshot_reads_back_and_is_never_overwritten(tmp_path):
    snapshot = make_snapshot(FINDINGS)
    path = write_snapshot(tmp_path, snapshot)
    assert path == tmp_path / "dev_min/synth/20261123T030000Z-abcdef/synth_snapshot.json"
    assert path == snapshot_path(tmp_path, snapshot)
    assert read_snapshot(path) == snapshot
    with pytest.raises(EvidenceError, match="already exists"):
        write_snapshot(tmp_path, snapshot)
    assert [p.name for p in path.parent.iterdir()] == ["synth_snapshot.json"], "no temp files left"


def test_hand_edited_verdict_is_refused(tmp_path):
    path = write_snapshot(tmp_path, make_snapshot(FINDINGS))
    raw = json.loads(path.read_text())
    raw["overall_pass"], raw["blockers"] = True, []
    path.write_text(json.dumps(raw))
    with pytest.raises(EvidenceError, match="disagree"):
        read_snapshot(path)


@pytest.mark.parametrize("content", ["", "[]", "{", '{"lane": 1}'])
def test_unreadable_snapshots_are_one_line_errors(tmp_path, content):
    path = tmp_path / "synth_snapshot.json"
    path.write_text(content)
    with pytest.raises(EvidenceError) as error:
        read_snapshot(path)
    assert "\n" not in str(error.value)


def test_checked_in_schema_is_current_and_validates_snapshots():
    assert SCHEMA_FILE.read_text() == snapshot_schema_json(), "run scripts/export_snapshot_schema.py"
    schema = json.loads(SCHEMA_FILE.read_text())
    document = json.loads(make_snapshot(FINDINGS).to_json())
    jsonschema.validate(document, schema)
    document["findings"][0]["status"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)

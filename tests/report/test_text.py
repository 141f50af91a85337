from __future__ import annotations

from guards.findings import Finding, Status
from stackguard.report import text

from .conftest import (
    BLOCKER_SUBJECTS,
    LONG_SUBJECT,
    PASS_SUBJECTS,
    WAIVED_SUBJECTS,
    make_snapshot,
)


def test_every_blocker_subject_is_printed_whole_even_in_a_narrow_terminal(mixed_snapshot):
    for width in (40, 80, 200):
        output = text.render(mixed_snapshot, width=width)
        for subject in BLOCKER_SUBJECTS:
            assert subject in output, f"{subject!r} broken or missing at width {width}"
        assert "…" not in output


def test_last_line_is_the_verdict(mixed_snapshot, passing_snapshot):
    assert text.render(mixed_snapshot).splitlines()[-1] == "BLOCKED: 3 blocker(s)"
    assert text.render(passing_snapshot).splitlines()[-1] == "PASS"


def test_pass_checks_are_counted_not_listed(mixed_snapshot):
    output = text.render(mixed_snapshot)
    assert "2 PASS check(s)" in output.splitlines()
    for subject in PASS_SUBJECTS:
        assert subject not in output


def test_waived_findings_stay_visible_with_their_justification(mixed_snapshot):
    lines = text.render(mixed_snapshot, width=300).splitlines()  # room for one line per row
    for subject, justification in [
        ("aws_ecs_service.app", "WAIVED: workshop week, torn down on Friday"),
        ("module.batch.aws_instance.spot", "WAIVED: spot pool sized by the scheduler"),
    ]:
        (row,) = [line for line in lines if subject in line]
        assert justification in row
    for line in lines:
        if any(subject in line for subject in BLOCKER_SUBJECTS):
            assert "WAIVED" not in line


def test_blockers_come_before_waived_findings(mixed_snapshot):
    output = text.render(mixed_snapshot, width=200)
    last_blocker = max(output.index(subject) for subject in BLOCKER_SUBJECTS)
    first_waived = min(output.index(subject) for subject in WAIVED_SUBJECTS)
    assert last_blocker < first_waived


def test_each_row_shows_status_code_and_stack(mixed_snapshot):
    lines = text.render(mixed_snapshot, width=250).splitlines()
    (row,) = [line for line in lines if "module.app.aws_instance.worker" in line]
    assert row.split()[:2] == ["UNKNOWN", "unknown-count"]
    assert " demo " in row
    (budget_row,) = [line for line in lines if "arn:aws:budgets" in line]
    assert budget_row.split()[:2] == ["ERROR", "budget-missing"]


def test_a_passing_snapshot_has_no_table():
    snapshot = make_snapshot(
        [Finding(code="forbidden-nat-gateway", status=Status.PASS, subject="x", message="ok")]
    )
    assert text.render(snapshot) == "1 PASS check(s)\nPASS\n"


def test_subjects_are_printed_literally_not_as_markup():
    subject = 'aws_s3_bucket.this["[bold]logs[/bold]"]'
    snapshot = make_snapshot(
        [Finding(code="forbidden-nat-gateway", status=Status.FAIL, subject=subject, message=":x: [red]")]
    )
    output = text.render(snapshot, width=200)
    assert subject in output
    assert ":x: [red]" in output


def test_plain_by_default_and_coloured_on_request(mixed_snapshot):
    assert "\x1b[" not in text.render(mixed_snapshot)
    coloured = text.render(mixed_snapshot, color=True)
    assert "\x1b[" in coloured
    assert LONG_SUBJECT in coloured
    assert coloured.splitlines()[-1] == "BLOCKED: 3 blocker(s)"

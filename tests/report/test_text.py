from __future__ import annotations

import re

from guards.findings import Finding, Status
from stackguard.report import text

from .conftest import (
    BLOCKER_SUBJECTS,
    BUDGET_ARN,
    LONG_SUBJECT,
    MIXED_FINDINGS,
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
    assert plain(coloured).splitlines()[-1] == "BLOCKED: 3 blocker(s)"
    assert plain(coloured) == text.render(mixed_snapshot), "colour changes nothing but the escapes"


def plain(output: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def too_wide(output: str, width: int) -> list[str]:
    """Lines wider than `width`, but for a subject alone on its line (never cut: the terminal wraps it)."""
    subjects = {f.subject for f in MIXED_FINDINGS}
    return [line for line in plain(output).splitlines() if len(line) > width and line.strip() not in subjects]


def test_no_line_is_wider_than_the_terminal(mixed_snapshot):
    for width in (40, 60, 80, 120):
        for color in (False, True):
            assert too_wide(text.render(mixed_snapshot, width=width, color=color), width) == []


def test_findings_with_short_subjects_fit_80_columns_as_a_table():
    findings = [
        Finding(code="forbidden-nat-gateway", status=Status.FAIL, subject=f"aws_nat_gateway.a[{i}]", stack="demo",
                message="a NAT gateway bills around the clock, about 35 USD a month before data processing")
        for i in range(3)
    ]
    output = text.render(make_snapshot(findings), width=80)
    assert too_wide(output, 80) == []
    (header,) = [line for line in output.splitlines() if line.startswith("STATUS")]
    assert header.split() == ["STATUS", "CODE", "SUBJECT", "STACK", "MESSAGE"], "no Waiver column: nothing is waived"
    rows = [line for line in output.splitlines() if line.startswith("FAIL")]
    assert [row.split()[2] for row in rows] == [f"aws_nat_gateway.a[{i}]" for i in range(3)]
    assert max(len(line) for line in output.splitlines()) > 70, "the message takes the room there is"


def test_a_table_that_would_not_fit_becomes_one_block_per_finding(mixed_snapshot):
    lines = text.render(mixed_snapshot, width=80).splitlines()
    assert not any(line.startswith("STATUS") for line in lines)
    at = lines.index("ERROR  budget-missing  -")
    assert lines[at + 1 : at + 3] == ["  " + BUDGET_ARN, "    AccessDenied from budgets:DescribeBudgets"]


def test_empty_columns_are_left_out():
    findings = [Finding(code="budget-missing", status=Status.ERROR, subject="budget", message="AccessDenied")]
    output = text.render(make_snapshot(findings), width=80)
    assert "WAIVER" not in output and "STACK" not in output and "UNKNOWN" not in output
    assert "STATUS  CODE            SUBJECT  MESSAGE" in output.splitlines()


def test_a_summary_per_code_and_status_comes_first(mixed_snapshot):
    lines = text.render(mixed_snapshot, width=120).splitlines()
    assert lines[0] == "synth: 5 finding(s) not PASS, by code"
    assert lines[1].split() == ["CODE", "FAIL", "UNKNOWN", "ERROR", "WAIVED"]
    assert [line.split() for line in lines[2:6]] == [
        ["always-on-fleet", "0", "0", "0", "1"],
        ["budget-missing", "0", "0", "1", "0"],
        ["forbidden-nat-gateway", "1", "0", "0", "0"],
        ["unknown-count", "0", "1", "0", "1"],
    ]


def many(count: int, code: str = "lifecycle-tag-missing") -> list[Finding]:
    return [Finding(code=code, status=Status.FAIL, subject=f"aws_s3_bucket.b{i}", message="no lifecycle tag") for i in range(count)]


def test_thousands_of_findings_show_the_first_of_each_code_and_say_how_many_are_left_out():
    snapshot = make_snapshot(many(3000) + many(2, "forbidden-nat-gateway"))
    output = text.render(snapshot, width=80)
    shown = [line.split()[2] for line in output.splitlines() if line.startswith("FAIL")]
    in_order = [f.subject for f in snapshot.findings]
    assert shown == in_order[:2] + in_order[2 : 2 + text.PER_CODE]  # nat gateways sort first
    assert f"{3000 - text.PER_CODE} more finding(s) not shown ({3000 - text.PER_CODE} lifecycle-tag-missing); --all shows every one" in " ".join(output.split())
    assert len(output.splitlines()) < 20
    every = text.render(snapshot, width=80, per_code=None)
    assert "aws_s3_bucket.b2999" in every and "not shown" not in every


def test_quiet_shows_blockers_only(mixed_snapshot):
    output = text.render(mixed_snapshot, width=120, quiet=True)
    for subject in BLOCKER_SUBJECTS:
        assert subject in output
    for subject in WAIVED_SUBJECTS:
        assert subject not in output
    assert "WAIVED" not in output and "PASS check" not in output
    assert output.splitlines()[0] == "synth: 3 blocker(s), by code"
    assert output.splitlines()[-1] == "BLOCKED: 3 blocker(s)"

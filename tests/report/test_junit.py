from __future__ import annotations

import xml.etree.ElementTree as ET

from guards.findings import Finding, Status
from stackguard.report import junit

from .conftest import BLOCKER_SUBJECTS, MIXED_FINDINGS, WAIVED_SUBJECTS, make_snapshot


def parse(snapshot) -> ET.Element:
    return ET.fromstring(junit.render(snapshot).encode("utf-8"))


def test_one_suite_for_the_lane_with_counts_that_match_its_cases(mixed_snapshot):
    root = parse(mixed_snapshot)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "synth"
    cases = suite.findall("testcase")
    assert len(cases) == len(MIXED_FINDINGS) == 7
    assert len(suite.findall("testcase/failure")) == 3
    assert len(suite.findall("testcase/skipped")) == 2
    for element in (root, suite):
        assert element.get("tests") == "7"
        assert element.get("failures") == "3"
        assert element.get("skipped") == "2"
        assert element.get("errors") == "0"
        assert element.get("time") == "3.250"
    assert suite.get("timestamp") == "2025-03-04T05:06:07"


def test_each_case_is_named_by_code_and_subject(mixed_snapshot):
    cases = parse(mixed_snapshot).findall("testsuite/testcase")
    assert sorted((c.get("classname"), c.get("name")) for c in cases) == sorted(
        (f.code, f.subject) for f in MIXED_FINDINGS
    )


def test_blockers_fail_waived_are_skipped_passes_are_empty(mixed_snapshot):
    cases = {c.get("name"): c for c in parse(mixed_snapshot).findall("testsuite/testcase")}
    for subject in BLOCKER_SUBJECTS:
        (failure,) = list(cases[subject])
        assert failure.tag == "failure"
        assert subject in failure.text
    budget = cases["arn:aws:budgets::123456789012:budget/platform-dev-monthly"].find("failure")
    assert budget.get("type") == "ERROR"
    assert budget.get("message") == "AccessDenied from budgets:DescribeBudgets"

    skipped = {s: cases[s].find("skipped").get("message") for s in WAIVED_SUBJECTS}
    assert skipped == {
        "aws_ecs_service.app": "waived: workshop week, torn down on Friday",
        "module.batch.aws_instance.spot": "waived: spot pool sized by the scheduler",
    }
    assert list(cases["terraform.backend.s3"]) == []


def test_a_passing_snapshot_has_no_failures(passing_snapshot):
    suite = parse(passing_snapshot).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "0", "0")


def test_text_that_xml_cannot_carry_does_not_break_the_report():
    message = 'quoted input: <tag attr="x"> & \x00\x1b[31m'
    snapshot = make_snapshot(
        [Finding(code="forbidden-nat-gateway", status=Status.FAIL, subject="s\x07", message=message)]
    )
    failure = parse(snapshot).find("testsuite/testcase/failure")
    assert failure.get("message") == 'quoted input: <tag attr="x"> & \ufffd\ufffd[31m'

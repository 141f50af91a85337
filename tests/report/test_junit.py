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


def by_subject(snapshot) -> dict[str, ET.Element]:
    """Each case by the subject its name carries (`<code>: <subject> [<stack>]`)."""
    cases = parse(snapshot).findall("testsuite/testcase")
    return {c.get("name").split(": ", 1)[1].rsplit(" [", 1)[0]: c for c in cases}


def test_each_case_is_named_by_code_subject_and_stack(mixed_snapshot):
    cases = parse(mixed_snapshot).findall("testsuite/testcase")
    assert sorted((c.get("classname"), c.get("name")) for c in cases) == sorted(
        (f.code, f"{f.code}: {f.subject}" + (f" [{f.stack}]" if f.stack else "")) for f in MIXED_FINDINGS
    )
    assert "forbidden-nat-gateway: aws_vpc.core_passing_subject [core]" in {c.get("name") for c in cases}


def test_repeated_names_get_a_stable_suffix():
    twice = [
        Finding(code="always-on-fleet", status=Status.PASS, subject="*", message=message)
        for message in ("no fleet", "no ECS service in a persistent stack")
    ]
    other = Finding(code="always-on-fleet", status=Status.PASS, subject="*", stack="demo", message="m")
    names = [c.get("name") for c in parse(make_snapshot([*twice, other])).findall("testsuite/testcase")]
    assert names == ["always-on-fleet: *", "always-on-fleet: * (2)", "always-on-fleet: * [demo]"]
    assert names == [c.get("name") for c in parse(make_snapshot([*twice, other])).findall("testsuite/testcase")]


def test_case_names_are_unique_over_a_real_synth_snapshot(synth_dir, tmp_path):
    from guards.policy import load_policy
    from stackguard.lanes.check import Recording, check_synth
    from tests.conftest import REPO_ROOT

    snapshot, _ = check_synth(synth_dir, load_policy(REPO_ROOT / "policy.toml"), Recording(tmp_path, "r1"))
    names = [c.get("name") for c in parse(snapshot).findall("testsuite/testcase")]
    assert len(names) == len(snapshot.findings) > 20
    assert len(set(names)) == len(names)
    assert all(name.startswith(f"{f.code}: ") for name, f in zip(names, snapshot.findings, strict=True))


def test_blockers_fail_waived_are_skipped_passes_are_empty(mixed_snapshot):
    cases = by_subject(mixed_snapshot)
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

"""JUnit XML, for CI systems that only show test reports: each finding is a test case."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from evidence.snapshot import Snapshot
from guards.findings import Finding

from .selection import blocking, is_waived, waived

# XML 1.0 cannot carry most control characters at all, escaped or not; a message that
# quotes raw input must not make the whole report unparseable.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(snapshot: Snapshot) -> str:
    counts = _counts(snapshot)
    duration = f"{(snapshot.finished_at - snapshot.started_at).total_seconds():.3f}"
    suites = ET.Element("testsuites", name="stackguard", time=duration, **counts)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=_xml_text(snapshot.lane),
        timestamp=snapshot.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
        time=duration,
        **counts,
    )
    for finding, name in zip(snapshot.findings, case_names(snapshot.findings), strict=True):
        _add_testcase(suite, finding, name)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _counts(snapshot: Snapshot) -> dict[str, str]:
    return {
        "tests": str(len(snapshot.findings)),
        "failures": str(len(blocking(snapshot))),
        "errors": "0",  # a finding that blocks is a failure whatever its status; see <failure type>
        "skipped": str(len(waived(snapshot))),
    }


def case_name(finding: Finding) -> str:
    """`<code>: <subject> [<stack>]`: what was checked, where."""
    stack = f" [{finding.stack}]" if finding.stack else ""
    return f"{finding.code}: {finding.subject}{stack}"


def case_names(findings: list[Finding]) -> list[str]:
    """One name per finding, unique within the suite (CI systems merge or drop test cases
    with equal names): a repeated name gets ` (2)`, ` (3)`, ... in the snapshot's order of
    findings, which is sorted and so stable for one input."""
    names: list[str] = []
    taken: set[str] = set()
    for finding in findings:
        base = name = _xml_text(case_name(finding))
        repeat = 1
        while name in taken:
            repeat += 1
            name = f"{base} ({repeat})"
        taken.add(name)
        names.append(name)
    return names


def _add_testcase(suite: ET.Element, finding: Finding, name: str) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=_xml_text(finding.code),
        name=name,
        time="0",
    )
    if finding.blocks:
        failure = ET.SubElement(
            case, "failure", message=_xml_text(finding.message), type=finding.status.value
        )
        failure.text = _xml_text(_detail(finding))
    elif is_waived(finding):
        skipped = ET.SubElement(case, "skipped", message=_xml_text(f"waived: {finding.waiver}"))
        skipped.text = _xml_text(_detail(finding))


def _detail(finding: Finding) -> str:
    stack = f" in stack {finding.stack}" if finding.stack else ""
    return f"{finding.status.value} {finding.code}: {finding.subject}{stack}\n{finding.message}"


def _xml_text(value: str) -> str:
    return _NOT_XML_CHAR.sub("\ufffd", value)

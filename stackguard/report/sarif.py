"""SARIF 2.1.0 for GitHub code scanning: one rule per code, one result per non-PASS finding."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote, urlsplit

from evidence.snapshot import Snapshot
from guards.catalog import CATALOG
from guards.findings import Finding

from .selection import is_waived
from .sources import locate

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "stackguard"
FALLBACK_ARTIFACT = "policy.toml"
FINGERPRINT_KEY = "stackguardFindingHash/v1"
RULES_DOC = "docs/rules.md"
# Characters a URI keeps as they are; everything else (spaces, non-ASCII) is percent-encoded.
_URI_RESERVED = ":/?#[]@!$&'()*+,;=%~"


def render(
    snapshot: Snapshot, *, information_uri: str | None = None, github_repository: str | None = None
) -> str:
    """Sorted keys and a fixed result order, so one snapshot always gives the same bytes."""
    log = sarif_log(snapshot, information_uri=information_uri, github_repository=github_repository)
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


def sarif_log(
    snapshot: Snapshot, *, information_uri: str | None = None, github_repository: str | None = None
) -> dict[str, Any]:
    """`github_repository` (`owner/repo`, the configuration's `[ci] github_repository`) makes
    each rule's `helpUri` a link to its row of docs/rules.md on GitHub; without it there is
    no `helpUri` (it must be an absolute URI) and the help's markdown links relatively."""
    codes = sorted({f.code for f in snapshot.findings})
    rule_index = {code: index for index, code in enumerate(codes)}
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": snapshot.tool_version,
        "rules": [_rule(code, github_repository) for code in codes],
    }
    if information_uri:
        driver["informationUri"] = information_uri
    run = {
        "tool": {"driver": driver},
        # GitHub treats everything before the last "/" as the category: one per lane, so the
        # synth, plan and live uploads of one commit do not replace each other.
        "automationDetails": {"id": f"{TOOL_NAME}/{snapshot.lane}/{snapshot.run_id}"},
        "results": [
            _result(f, rule_index[f.code], snapshot)
            for f in snapshot.findings
            if f.blocks or is_waived(f)
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same code, stack and subject: GitHub tracks one alert each."""
    return hashlib.sha256(f"{finding.code}\0{finding.stack or ''}\0{finding.subject}".encode()).hexdigest()


def artifact_uri(finding: Finding, snapshot: Snapshot) -> str:
    """Code scanning needs a file for every result; fall back to an input, then to the policy.

    The first input is taken in sorted order, which is the order of the serialized snapshot,
    so a snapshot read back from its JSON points at the same file.
    """
    path = finding.document or min(snapshot.input_digests, default=FALLBACK_ARTIFACT)
    return _as_uri_reference(path)


def help_uri(code: str, github_repository: str | None) -> str:
    """Where the code is documented: its anchor in docs/rules.md, on GitHub when the
    repository is known, else relative to the repository root."""
    anchored = f"{RULES_DOC}#{CATALOG[code].anchor}"
    if github_repository:
        return f"https://github.com/{quote(github_repository, safe='/')}/blob/main/{anchored}"
    return anchored


def _rule(code: str, github_repository: str | None = None) -> dict[str, Any]:
    """The catalog's prose: its summary, and why it matters and how to fix it as help."""
    entry = CATALOG[code]  # a Finding's code is always a catalog entry
    link = help_uri(code, github_repository)
    rule: dict[str, Any] = {
        "id": code,
        "name": code,
        "shortDescription": {"text": entry.summary},
        "help": {
            "text": f"Why: {entry.why}. Fix: {entry.remediation}.",
            "markdown": (
                f"**Why:** {entry.why}.\n\n**Fix:** {entry.remediation}.\n\n"
                f"See [`{code}` in the rules]({link})."
            ),
        },
        "properties": {"severity": entry.severity, "applies": list(entry.applies_in_order)},
    }
    if github_repository:
        rule["helpUri"] = link
    return rule


def _result(finding: Finding, rule_index: int, snapshot: Snapshot) -> dict[str, Any]:
    waived = is_waived(finding)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": "note" if waived else "error",
        "message": {"text": _message(finding)},
        "locations": [_location(finding, snapshot)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {"stack": finding.stack, "status": finding.status.value},
    }
    if waived:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver}]
    return result


def _location(finding: Finding, snapshot: Snapshot) -> dict[str, Any]:
    """A synth finding on a construct points at the stack source line that made it (and
    names the construct path); another synth finding of a stack at that stack's source
    file (the generated cdk.tf.json is not in the repository); plan and live findings at
    line 1 of their input document."""
    subject = {"fullyQualifiedName": finding.subject, "kind": "resource"}
    source = locate(finding.construct_path) if finding.construct_path else None
    if source is None:
        stack_file = locate(finding.stack) if snapshot.lane == "synth" and finding.stack else None
        uri = _as_uri_reference(stack_file.file) if stack_file else artifact_uri(finding, snapshot)
        uri, line, logical = uri, 1, [subject]
    else:
        construct = {"fullyQualifiedName": finding.construct_path, "kind": "object"}
        uri, line, logical = _as_uri_reference(source.file), source.line, [subject, construct]
    return {
        "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}},
        "logicalLocations": logical,
    }


def _message(finding: Finding) -> str:
    where = f"{finding.subject} in stack {finding.stack}" if finding.stack else finding.subject
    return f"[{finding.status.value}] {where}: {finding.message}"


def _as_uri_reference(path: str) -> str:
    """A path becomes a relative URI; something that already is a URI (s3://...) is kept."""
    try:
        scheme = urlsplit(path).scheme
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host: then it is a path
        scheme = ""
    if len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        return quote(path, safe=_URI_RESERVED)
    return quote(path.replace("\\", "/"), safe="/")

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

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "stackguard"
FALLBACK_ARTIFACT = "policy.toml"
FINGERPRINT_KEY = "stackguardFindingHash/v1"
# Characters a URI keeps as they are; everything else (spaces, non-ASCII) is percent-encoded.
_URI_RESERVED = ":/?#[]@!$&'()*+,;=%~"


def render(snapshot: Snapshot, *, information_uri: str | None = None) -> str:
    """Sorted keys and a fixed result order, so one snapshot always gives the same bytes."""
    return (
        json.dumps(sarif_log(snapshot, information_uri=information_uri), indent=2, sort_keys=True)
        + "\n"
    )


def sarif_log(snapshot: Snapshot, *, information_uri: str | None = None) -> dict[str, Any]:
    codes = sorted({f.code for f in snapshot.findings})
    rule_index = {code: index for index, code in enumerate(codes)}
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": snapshot.tool_version,
        "rules": [_rule(code) for code in codes],
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


def _rule(code: str) -> dict[str, Any]:
    """The catalog's prose: its summary, and why it matters and how to fix it as help."""
    entry = CATALOG[code]  # a Finding's code is always a catalog entry
    return {
        "id": code,
        "name": code,
        "shortDescription": {"text": entry.summary},
        "help": {"text": f"Why: {entry.why}. Fix: {entry.remediation}."},
        "properties": {"severity": entry.severity, "applies": list(entry.applies_in_order)},
    }


def _result(finding: Finding, rule_index: int, snapshot: Snapshot) -> dict[str, Any]:
    waived = is_waived(finding)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": "note" if waived else "error",
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding, snapshot)},
                    "region": {"startLine": 1},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.subject, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
        "properties": {"stack": finding.stack, "status": finding.status.value},
    }
    if waived:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver}]
    return result


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

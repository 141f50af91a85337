"""Builders for hand-made inventories: rule tests state exact failing subjects."""

from __future__ import annotations

from guards.findings import Finding, Status
from guards.inventory import Resource


def resource(type_: str, name: str = "this", **fields) -> Resource:
    fields.setdefault("stack", "demo")
    fields.setdefault("source", "plan")
    return Resource(type=type_, name=name, **fields)


def failing(findings: list[Finding], code: str | None = None) -> set[str]:
    """Subjects of the blocking findings (optionally of one code)."""
    return {
        f.subject
        for f in findings
        if f.status in (Status.FAIL, Status.UNKNOWN, Status.ERROR) and (code is None or f.code == code)
    }


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings if f.status is not Status.PASS}

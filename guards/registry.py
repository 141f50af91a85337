"""A plain name-to-rule registry, filled by a decorator (the cloud-custodian way).

A rule is a pure function `(inventory, policy) -> findings`. It declares the catalog
entries it can emit; the prose of each lives in `guards.catalog`, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from guards.catalog import CATALOG, Code
from guards.findings import Finding, Status, passed
from guards.inventory import Inventory
from guards.policy import Policy


class Rule(Protocol):
    def __call__(self, inventory: Inventory, policy: Policy) -> Iterable[Finding]: ...


@dataclass(frozen=True)
class RegisteredRule:
    name: str
    codes: tuple[Code, ...]
    check: Rule
    summary: str


RULES: dict[str, RegisteredRule] = {}


def rule(name: str, *, codes: tuple[Code, ...]) -> Callable[[Rule], Rule]:
    """Register `check` under `name`; its docstring's first line is the summary."""

    def register(check: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"rule {name!r} registered twice")
        unknown = [code for code in codes if CATALOG.get(code) is not code]
        if unknown:
            raise ValueError(f"rule {name!r} declares codes not in the catalog: {', '.join(unknown)}")
        summary = (check.__doc__ or name).strip().splitlines()[0]
        RULES[name] = RegisteredRule(name=name, codes=codes, check=check, summary=summary)
        return check

    return register


def with_passes(
    findings: Iterable[Finding], codes: Iterable[Code], checked: int, what: str
) -> list[Finding]:
    """Add one PASS per code that produced no other outcome, so a snapshot shows the
    check ran (and over how much) rather than being silent about it."""
    result = list(findings)
    reported = {finding.code for finding in result if finding.status is not Status.PASS}
    for code in codes:
        if code not in reported:
            result.append(passed(code, "*", None, f"{checked} {what} checked"))
    return result

"""Waivers are data: rule, subject pattern, justification, expiry. A waived finding stays
visible in every output; an expired waiver covers nothing and is itself a blocker.

Safety gates (catalog entries with `waivable=False`) are never covered here, whatever
the waiver says: the policy refuses such waivers, and this holds even for one built
without validation. Their own CLI flags set `Finding.waiver` in the lanes instead.
"""

from __future__ import annotations

import datetime as dt
from fnmatch import fnmatchcase

from pydantic import BaseModel, ConfigDict, Field

from guards import catalog
from guards.catalog import CATALOG
from guards.findings import BLOCKING, Finding, fail
from guards.policy import Waiver


class AppliedWaiver(BaseModel):
    """A live waiver and the findings it covered in one run, for the evidence."""

    model_config = ConfigDict(frozen=True)

    rule: str
    subject: str
    justification: str
    expires: dt.date
    covers: list[str] = Field(description="Subjects of the findings this waiver covered.")


def waivable(code: str) -> bool:
    """Whether a policy waiver may cover this code (an unknown code: never)."""
    entry = CATALOG.get(code)
    return entry is not None and entry.waivable


def _covers(waiver: Waiver, finding: Finding) -> bool:
    return waiver.rule == finding.code and fnmatchcase(finding.subject, waiver.subject)


def apply_waivers(
    findings: list[Finding], waivers: list[Waiver], today: dt.date
) -> tuple[list[Finding], list[AppliedWaiver]]:
    """Mark blocking findings covered by a live waiver; report expired waivers."""
    live = [w for w in waivers if w.expires >= today]
    covered: dict[int, list[str]] = {id(w): [] for w in live}
    result: list[Finding] = []
    for finding in findings:
        waiver = next((w for w in live if _covers(w, finding)), None)
        if waiver is None or finding.status not in BLOCKING or not waivable(finding.code):
            result.append(finding)
            continue
        covered[id(waiver)].append(finding.subject)
        result.append(finding.model_copy(update={"waiver": waiver.justification}))
    for waiver in waivers:
        if waiver.expires < today:
            result.append(
                fail(
                    catalog.WAIVER_EXPIRED,
                    f"waiver:{waiver.rule}:{waiver.subject}",
                    None,
                    f"waiver for {waiver.rule} on {waiver.subject!r} expired on {waiver.expires}",
                )
            )
    applied = [
        AppliedWaiver(
            rule=w.rule,
            subject=w.subject,
            justification=w.justification,
            expires=w.expires,
            covers=sorted(covered[id(w)]),
        )
        for w in live
        if covered[id(w)]
    ]
    return result, applied

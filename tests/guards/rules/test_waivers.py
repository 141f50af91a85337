"""Waivers are data with an expiry; waived findings stay visible."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from guards.findings import Status, fail, passed
from guards.policy import Waiver
from guards.waivers import apply_waivers

TODAY = dt.date(2026, 11, 23)


def waiver(subject="module.legacy_*", expires=dt.date(2026, 12, 31), rule="unverifiable-module"):
    return Waiver(rule=rule, subject=subject, justification="Reviewed by the platform team.", expires=expires)


def test_live_waiver_covers_matching_findings_only():
    findings = [
        fail("unverifiable-module", "module.legacy_vpc", "dev", "remote"),
        fail("unverifiable-module", "module.other", "dev", "remote"),
        fail("forbidden-nat-gateway", "module.legacy_nat", "dev", "nat"),
    ]
    result, applied = apply_waivers(findings, [waiver()], TODAY)
    waived = {f.subject for f in result if f.waiver}
    blocking = {f.subject for f in result if f.blocks}
    assert waived == {"module.legacy_vpc"}
    assert blocking == {"module.other", "module.legacy_nat"}
    assert len(result) == 3, "waived findings stay visible"
    (record,) = applied
    assert record.covers == ["module.legacy_vpc"]


def test_expired_waiver_covers_nothing_and_blocks():
    findings = [fail("unverifiable-module", "module.legacy_vpc", "dev", "remote")]
    result, applied = apply_waivers(findings, [waiver(expires=dt.date(2026, 11, 22))], TODAY)
    assert applied == []
    assert {(f.code, f.blocks) for f in result} == {("unverifiable-module", True), ("waiver-expired", True)}


def test_waiver_expiring_today_still_holds_and_passes_are_untouched():
    findings = [
        fail("unverifiable-module", "module.legacy_vpc", "dev", "remote"),
        passed("unverifiable-module", "*", None, "checked"),
    ]
    result, _ = apply_waivers(findings, [waiver(subject="module.legacy_*", expires=TODAY)], TODAY)
    assert [f.status for f in result if f.waiver] == [Status.FAIL]


def test_a_waiver_never_covers_a_safety_gate_even_built_without_validation():
    """The policy refuses such a waiver; apply_waivers holds the line on its own too."""
    forged = Waiver.model_construct(
        rule="preserve-violation", subject="*", justification="Reviewed by the platform team.", expires=TODAY
    )
    findings = [fail("preserve-violation", "aws_s3_bucket.state", "demo", "deletes the state bucket")]
    result, applied = apply_waivers(findings, [forged], TODAY)
    assert [(f.code, f.blocks, f.waiver) for f in result] == [("preserve-violation", True, None)]
    assert applied == []


def test_a_flag_waiver_on_a_safety_gate_stays_as_the_flag_set_it():
    """--allow-static-credentials sets Finding.waiver in the lane; policy waivers leave it be."""
    flagged = fail("static-credentials", "env:AWS_ACCESS_KEY_ID", None, "AKIA").model_copy(
        update={"waiver": "allowed by --allow-static-credentials (local sandbox)"}
    )
    forged = Waiver.model_construct(
        rule="static-credentials", subject="*", justification="Not the visible flag.", expires=TODAY
    )
    result, applied = apply_waivers([flagged], [forged], TODAY)
    assert result == [flagged] and not result[0].blocks
    assert applied == []


@pytest.mark.parametrize("code", ["static-credentials", "state-locked", "deploy-order", "no-such-code"])
def test_a_waiver_model_refuses_unknown_and_safety_gate_codes(code):
    with pytest.raises(ValidationError, match="unknown code|cannot be waived in the policy"):
        waiver(rule=code)

"""Only short-lived credentials may deploy or destroy, under whatever AWS name they are
held; no credential value is ever repeated."""

from __future__ import annotations

import pytest

from guards.findings import Status
from guards.teardown.credentials import ResolvedCredentials, credential_findings

AKIA, ASIA, SECRET = "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    ("env", "resolved", "subjects"),
    [
        ({"AWS_ACCESS_KEY_ID": AKIA, "AWS_SECRET_ACCESS_KEY": SECRET}, None, {"env:AWS_ACCESS_KEY_ID"}),
        ({"AWS_ACCESS_KEY_ID": AKIA, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": "t"}, None, {"env:AWS_ACCESS_KEY_ID"}),
        ({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": SECRET}, None, {"env:AWS_ACCESS_KEY_ID"}),
        ({"AWS_SECRET_ACCESS_KEY": SECRET}, None, {"env:AWS_SECRET_ACCESS_KEY"}),
        ({"AWS_ACCESS_KEY_ID": ASIA, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": "t"}, None, set()),
        ({"AWS_ROLE_ARN": "arn:aws:iam::1:role/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token"},
         ResolvedCredentials.reduce("assume-role-with-web-identity", ASIA, "t"), set()),
        ({"AWS_PROFILE": "sso"}, ResolvedCredentials.reduce("sso", ASIA, "t"), set()),
        ({"AWS_PROFILE": "old"}, ResolvedCredentials.reduce("shared-credentials-file", AKIA, None), {"credentials:shared-credentials-file"}),
        # the environment's keys are what boto3 resolved: reported once
        ({"AWS_ACCESS_KEY_ID": AKIA, "AWS_SECRET_ACCESS_KEY": SECRET}, ResolvedCredentials.reduce("env", AKIA, None), {"env:AWS_ACCESS_KEY_ID"}),
        ({}, None, set()),
        # the SDKs' aliases: some prefer them over a profile, so they are judged as keys
        ({"AWS_ACCESS_KEY": AKIA, "AWS_SECRET_KEY": SECRET}, None, {"env:AWS_ACCESS_KEY"}),
        ({"AWS_SECRET_KEY": SECRET}, ResolvedCredentials.reduce("sso", ASIA, "t"), {"env:AWS_SECRET_KEY"}),
        ({"AWS_ACCESS_KEY_ID": ASIA, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": "t",
          "AWS_ACCESS_KEY": AKIA, "AWS_SECRET_KEY": SECRET}, None, {"env:AWS_ACCESS_KEY"}),
        ({"AWS_ACCESS_KEY_ID": ASIA, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SECURITY_TOKEN": "t"}, None, set()),
        # a long-lived key id under any other AWS name
        ({"AWS_PROFILE": "sso", "AWS_BACKUP_KEY": AKIA}, ResolvedCredentials.reduce("sso", ASIA, "t"), {"env:AWS_BACKUP_KEY"}),
        ({"NOT_AWS": AKIA}, None, set()),
    ],
    ids=[
        "akia", "akia-with-token", "no-token", "secret-only", "asia", "web-identity", "sso", "profile-keys", "env-once",
        "none", "alias-akia", "alias-secret-only", "alias-beside-short-lived", "security-token", "akia-anywhere",
        "not-aws",
    ],
)
def test_static_credentials(env, resolved, subjects):
    findings = credential_findings(env, resolved, allow_static=False)
    assert {f.subject for f in findings if f.status is Status.FAIL} == subjects
    shown = " ".join(f.subject + f.message for f in findings)
    assert AKIA not in shown and ASIA not in shown and SECRET not in shown


def test_the_flag_waives_them_visibly():
    findings = credential_findings({"AWS_ACCESS_KEY_ID": AKIA, "AWS_SECRET_ACCESS_KEY": SECRET}, None, allow_static=True)
    assert [(f.status, f.blocks, f.waiver) for f in findings] == [
        (Status.FAIL, False, "allowed by --allow-static-credentials (local sandbox)")
    ]

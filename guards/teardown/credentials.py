"""Which AWS credentials may destroy: short-lived ones only.

Judged on the environment terraform inherits and on the credentials boto3 resolves (a
profile can hold long-lived keys as well). Only a key id's first four characters (its
kind: AKIA long-lived, ASIA temporary) and whether a session token exists are looked
at; no credential value is kept, printed or recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed

CODE = catalog.STATIC_CREDENTIALS  # the name stackguard.lanes imports
KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
TOKEN_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
LONG_LIVED_KEY_KIND = "AKIA"
ALLOWED_BY_FLAG = "allowed by --allow-static-credentials (local sandbox)"
REMEDY = (
    "use short-lived credentials (OIDC in CI, `aws sso login`, an assumed role), or pass "
    "--allow-static-credentials in a local sandbox"
)


@dataclass(frozen=True, slots=True)
class ResolvedCredentials:
    """What boto3 resolved, reduced to what the rule needs."""

    method: str  # botocore's provider: env, shared-credentials-file, sso, assume-role, ...
    key_kind: str  # the key id's first four characters
    has_token: bool

    @classmethod
    def reduce(cls, method: str | None, access_key: str | None, token: str | None) -> ResolvedCredentials:
        return cls(method or "unknown", (access_key or "")[:4].upper(), bool(token))


def _static(key_kind: str, has_token: bool) -> str | None:
    """Why these credentials are long-lived, or None when they are temporary."""
    if key_kind == LONG_LIVED_KEY_KIND:
        return "a long-lived IAM user access key (AKIA...)"
    if not has_token:
        return "an access key without a session token"
    return None


def credential_findings(
    env: Mapping[str, str], resolved: ResolvedCredentials | None, *, allow_static: bool
) -> list[Finding]:
    """`static-credentials` for long-lived keys in the environment or the resolved chain;
    with `allow_static` they stay visible, waived by the flag."""
    findings: list[Finding] = []
    present = [name for name in KEY_VARIABLES if env.get(name)]
    if present:
        kind = env.get("AWS_ACCESS_KEY_ID", "")[:4].upper()
        reason = _static(kind, any(env.get(name) for name in TOKEN_VARIABLES))
        if reason:
            findings.append(fail(catalog.STATIC_CREDENTIALS, f"env:{present[0]}", None, f"the environment holds {reason}: {REMEDY}"))
    if resolved is not None and not (present and resolved.method == "env"):
        reason = _static(resolved.key_kind, resolved.has_token)
        if reason:
            findings.append(
                fail(catalog.STATIC_CREDENTIALS, f"credentials:{resolved.method}", None, f"the credential chain resolves {reason}: {REMEDY}")
            )
    if allow_static:
        return [finding.model_copy(update={"waiver": ALLOWED_BY_FLAG}) for finding in findings] or [
            passed(catalog.STATIC_CREDENTIALS, "credentials", None, "no static keys found")
        ]
    return findings or [passed(catalog.STATIC_CREDENTIALS, "credentials", None, "short-lived credentials (or none in the environment)")]

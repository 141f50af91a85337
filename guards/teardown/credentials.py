"""Which AWS credentials may deploy or destroy: short-lived ones only.

Judged on the credentials boto3 resolves (the ones the lane then hands terraform, and
nothing else; a profile can hold long-lived keys as well) and on every AWS variable of
the environment, the SDKs' aliases included (`AWS_ACCESS_KEY`/`AWS_SECRET_KEY`, which
some SDKs prefer over a profile, and `AWS_SECURITY_TOKEN`): a long-lived key id under any
`AWS_*` name is refused. Only a key id's first four characters (its kind: AKIA
long-lived, ASIA temporary) and whether a session token exists are looked at; no
credential value is kept, printed or recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from guards import catalog
from guards.findings import Finding, fail, passed

CODE = catalog.STATIC_CREDENTIALS  # the name stackguard.lanes imports
#: (key id, secret key) under the SDKs' names, then under their aliases.
KEY_PAIRS = (("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY", "AWS_SECRET_KEY"))
KEY_VARIABLES = tuple(name for pair in KEY_PAIRS for name in pair)
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


def _environment_findings(env: Mapping[str, str]) -> list[Finding]:
    """Key pairs (or halves of them) without a token or of the long-lived kind, under the
    SDKs' names or their aliases, and a long-lived key id under any other AWS name."""
    findings: list[Finding] = []
    has_token = any(env.get(name) for name in TOKEN_VARIABLES)
    for key_id, secret in KEY_PAIRS:
        present = [name for name in (key_id, secret) if env.get(name)]
        reason = _static(env.get(key_id, "")[:4].upper(), has_token) if present else None
        if reason:
            where = "" if key_id == KEY_PAIRS[0][0] else f" under the alias {present[0]}"
            findings.append(fail(CODE, f"env:{present[0]}", None, f"the environment holds {reason}{where}: {REMEDY}"))
    for name in sorted(env):
        if name.startswith("AWS_") and name not in KEY_VARIABLES and env[name].strip().startswith(LONG_LIVED_KEY_KIND):
            message = f"the environment holds a long-lived IAM user access key (AKIA...) under {name}: {REMEDY}"
            findings.append(fail(CODE, f"env:{name}", None, message))
    return findings


def credential_findings(
    env: Mapping[str, str], resolved: ResolvedCredentials | None, *, allow_static: bool
) -> list[Finding]:
    """`static-credentials` for long-lived keys in the environment or the resolved chain;
    with `allow_static` they stay visible, waived by the flag."""
    findings = _environment_findings(env)
    canonical = any(env.get(name) for name in KEY_PAIRS[0])
    if resolved is not None and not (canonical and resolved.method == "env"):
        reason = _static(resolved.key_kind, resolved.has_token)
        if reason:
            findings.append(
                fail(CODE, f"credentials:{resolved.method}", None, f"the credential chain resolves {reason}: {REMEDY}")
            )
    if allow_static:
        return [finding.model_copy(update={"waiver": ALLOWED_BY_FLAG}) for finding in findings] or [
            passed(CODE, "credentials", None, "no static keys found")
        ]
    return findings or [passed(CODE, "credentials", None, "short-lived credentials (or none in the environment)")]

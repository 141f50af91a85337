"""The credentials a lane judges are the credentials terraform uses.

boto3's chain is resolved once (`resolve`); the `static-credentials` rule judges what it
resolved and every AWS variable of the environment (`gate`); terraform then runs with an
environment the lane builds (`terraform_environment`): exactly the resolved credentials,
the region, and what terraform itself needs. No profile, alias key, credentials file or
other AWS variable of the caller's environment reaches it, so no SDK precedence can
swap in credentials nobody judged. The values the lane knows become its `Scrubber`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from guards.findings import Finding
from guards.teardown.credentials import CODE as STATIC_CREDENTIALS
from guards.teardown.credentials import ResolvedCredentials, credential_findings
from stackguard.terraform import Scrubber

#: Credential values the environment can hold, under the SDKs' names and their aliases.
SECRET_VARIABLES = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET",
)
#: What terraform (and its providers) may inherit from the caller, besides the credentials
#: and region the lane sets: its search path and home, locale, temporary directory, TLS
#: trust, proxies, the Confluent provider's key, Windows essentials.
PASSED_THROUGH = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "TMP", "TEMP", "TERM",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_CA_BUNDLE",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    "CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET",
    "SYSTEMROOT", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
})
#: Prefixes passed through: terraform's own settings (TF_CLI_CONFIG_FILE, TF_VAR_*,
#: TF_TOKEN_*, TF_PLUGIN_CACHE_DIR), locale, and endpoint overrides (LocalStack, moto).
PASSED_PREFIXES = ("TF_", "LC_", "AWS_ENDPOINT_URL")


@dataclass(frozen=True)
class Resolved:
    """What boto3's chain resolved: the values (never printed) and their kind."""

    method: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def kind(self) -> ResolvedCredentials:
        return ResolvedCredentials.reduce(self.method, self.access_key, self.token)


def resolve(session: boto3.Session) -> Resolved | None:
    """The credentials boto3's chain resolves, once; None when there are none."""
    try:
        credentials = session.get_credentials()
        if credentials is None:
            return None
        frozen = credentials.get_frozen_credentials()
    except (BotoCoreError, ClientError):
        return None  # the preflight reports it as a tooling failure
    if not frozen.access_key or not frozen.secret_key:
        return None
    method = getattr(credentials, "method", None) or "unknown"
    return Resolved(method, frozen.access_key, frozen.secret_key, frozen.token or None)


@dataclass(frozen=True)
class CredentialGate:
    """The credential findings, whether --allow-static-credentials let static ones through,
    and the credentials they judged (what terraform will be given)."""

    findings: tuple[Finding, ...] = ()
    static_allowed: bool = False
    credentials: Resolved | None = field(default=None, repr=False)

    @property
    def blocks(self) -> bool:
        return any(finding.blocks for finding in self.findings)

    def details(self, allow_flag: bool) -> dict[str, bool]:
        return {"allow_static_credentials_flag": allow_flag, "static_credentials_allowed": self.static_allowed}


NOT_GATED = CredentialGate()  # the lane stopped before the credentials were judged


def gate(environ: Mapping[str, str], resolved: Resolved | None, *, allow_static: bool) -> CredentialGate:
    """Judge the resolved credentials and every AWS variable of the environment."""
    findings = credential_findings(environ, resolved.kind if resolved else None, allow_static=allow_static)
    allowed = any(f.code == STATIC_CREDENTIALS and f.waiver for f in findings)
    return CredentialGate(tuple(findings), allowed, resolved)


def terraform_environment(environ: Mapping[str, str], resolved: Resolved | None, region: str) -> dict[str, str]:
    """The whole environment terraform runs with: what it needs from `environ`, the
    region, the resolved credentials, and no way to any other AWS credentials."""
    env = {name: value for name, value in environ.items() if name in PASSED_THROUGH or name.startswith(PASSED_PREFIXES)}
    env |= {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,  # no profile, credential_process or SSO of the caller's
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",  # nor an instance role in place of what was judged
    }
    if resolved is not None:
        env |= {"AWS_ACCESS_KEY_ID": resolved.access_key, "AWS_SECRET_ACCESS_KEY": resolved.secret_key}
        if resolved.token:
            env["AWS_SESSION_TOKEN"] = resolved.token
    return env


def scrubber(environ: Mapping[str, str], resolved: Resolved | None) -> Scrubber:
    """Every credential value the lane knows: resolved, or in the environment."""
    known = [environ.get(name) for name in SECRET_VARIABLES]
    if resolved is not None:
        known += [resolved.access_key, resolved.secret_key, resolved.token]
    return Scrubber.of(known)

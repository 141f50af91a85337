"""`stackguard doctor` and `stackguard init`: ready to deploy? and a configuration of your own."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from foundation.errors import ExitCode
from stackguard.cli.emit import note, say
from stackguard.cli.options import ConfigOption, PolicyOption

if TYPE_CHECKING:
    from stackguard.lanes.doctor import Check, Diagnosis

UNICODE_MARKERS = {"ok": "✓", "warn": "!", "fail": "✗"}
ASCII_MARKERS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def _markers() -> dict[str, str]:
    """✓ ✗ ! at a terminal that can show them; plain ASCII in logs and pipes."""
    stream = sys.stdout
    try:
        if stream.isatty():
            "".join(UNICODE_MARKERS.values()).encode(stream.encoding or "ascii")
            return UNICODE_MARKERS
    except (AttributeError, ValueError, OSError, LookupError, UnicodeEncodeError):
        pass
    return ASCII_MARKERS


def line(check: Check, markers: dict[str, str]) -> str:
    text = f"{markers[check.status.value]} {check.name}: {check.message}"
    return f"{text} -> {check.remedy}" if check.remedy and check.status.value != "ok" else text


def summary(diagnosis: Diagnosis) -> str:
    counts = {status: sum(c.status.value == status for c in diagnosis.checks) for status in ("ok", "warn", "fail")}
    verdict = {
        ExitCode.PASS: "ready to deploy",
        ExitCode.BLOCKERS: "a deploy would stop",
        ExitCode.BAD_INPUT: "the configuration does not load",
    }[diagnosis.exit_code]
    return f"doctor: {counts['ok']} ok, {counts['warn']} warning(s), {counts['fail']} failing: {verdict}"


def doctor(
    config: ConfigOption = None,
    policy: PolicyOption = None,
    offline: Annotated[
        bool, typer.Option(
            "--offline",
            help="Skip the account and backend reads (resolving an SSO or assume-role profile may still call AWS).",
        )
    ] = False,
    allow_static: Annotated[
        bool,
        typer.Option(
            "--allow-static-credentials",
            help="Judge long-lived AWS keys as deploy does with this flag: a warning, not a failure.",
        ),
    ] = False,
) -> None:
    """Check that a deploy can run here, one line each with what to do: Node.js for jsii;
    the terraform (or tofu) binary the configuration names, and its version (1.10+); the credentials (none, static
    AKIA keys, which deploy and teardown refuse, or temporary ones); that the state bucket
    and lock table exist and are ready (versioned, encrypted, public access blocked,
    LockID key; read-only, skipped with --offline or without credentials); and whether
    the names are still the shipped examples. Exit 0 all hold, 1 a deploy would stop,
    2 the configuration or policy does not load."""
    from stackguard.lanes.doctor import diagnose

    diagnosis = diagnose(
        config_file=config, policy_file=policy, environ=dict(os.environ), offline=offline, allow_static=allow_static
    )
    markers = _markers()
    for check in diagnosis.checks:
        say(line(check, markers))
    say(summary(diagnosis))
    raise typer.Exit(diagnosis.exit_code)


def init(
    account: Annotated[
        Optional[str], typer.Option("--account", help="The 12-digit AWS account id. Default: ask STS.")
    ] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="AWS region. Default: the shipped one.")] = None,
    prefix: Annotated[
        Optional[str], typer.Option("--prefix", help="name_prefix, which starts every name. Default: the shipped one.")
    ] = None,
    repository: Annotated[
        Optional[str], typer.Option("--repository", help="github_repository of the ci section: owner/repo (the GitHub repository whose workflows may assume the CI roles).")
    ] = None,
    email: Annotated[
        Optional[list[str]], typer.Option("--email", help="An alert e-mail address (repeat for more). Default: the shipped example.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", help="The file to write.", dir_okay=False)
    ] = Path("platform.toml"),
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a platform.toml of your own from the shipped one: bucket names unique to the
    account and region (<prefix>-tfstate-<account>-<region>, <prefix>-evidence-...), the
    lock table, budget and Confluent names from the prefix, and your repository and
    e-mails. Validated before it is written, written atomically; an existing file is
    replaced only with --force. Exit 2 for an invalid choice (nothing is written), 3 when
    STS cannot say the account and --account is not given."""
    from stackguard.lanes.doctor import example_names
    from stackguard.lanes.init_config import (
        Choices,
        account_from_sts,
        check_account,
        refuse_existing,
        render,
        shipped_template,
        write_atomically,
    )

    refuse_existing(output, force=force)  # before asking AWS anything
    chosen = check_account(account) if account is not None else account_from_sts(region)
    choices = Choices(chosen, region, prefix, repository, tuple(email or ()))
    text, config = render(shipped_template(), choices)
    write_atomically(output, text, force=force)
    say(f"wrote {output}: account {chosen}, region {config.region}, prefix {config.name_prefix}")
    say(f"  state bucket {config.backend.state_bucket}, lock table {config.backend.lock_table}")
    say(f"  evidence bucket {config.evidence.bucket}, budget {config.budget.name}")
    for field in example_names(config):
        note(f"warning: {field} is still the shipped example; edit it (or pass --email / --repository)")
    if output.resolve() != Path("platform.toml").resolve():
        note(f"use it with --config {output} or STACKGUARD_CONFIG={output}")
    note("next: `stackguard doctor`")

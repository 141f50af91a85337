"""The `stackguard` command line: thin wiring from arguments to the lanes.

Every expected failure becomes a one-line message and a documented exit code; a user
never sees a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from foundation.errors import ExitCode, StackguardError
from stackguard import __version__
from stacks.config import CONFIG_ENV_VAR, ConfigError, load_config

if TYPE_CHECKING:
    from guards.inventory import Inventory
    from guards.policy import Policy


app = typer.Typer(
    name="stackguard",
    help=(
        "Synthesize, guard and tear down a cost-bounded cdktf platform (core, confluent, demo).\n\n"
        "Exit codes: 0 pass, 1 blockers found, 2 bad input or configuration, "
        "3 environment or tooling failure."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

check_app = typer.Typer(
    help="Check infrastructure against the policy and write an evidence snapshot.",
    no_args_is_help=True,
)
app.add_typer(check_app, name="check")

ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help=f"Platform configuration (TOML). Default: ${CONFIG_ENV_VAR} or ./platform.toml.",
        dir_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"stackguard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Root options."""


@app.command()
def synth(
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Where to write stacks/<name>/cdk.tf.json.", file_okay=False),
    ] = Path("cdktf.out"),
    bootstrap: Annotated[
        bool,
        typer.Option(
            "--bootstrap",
            help="Give core a local backend, for its first deploy before the state bucket exists.",
        ),
    ] = False,
    config_file: ConfigOption = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Synthesize even when no input changed since the last run."),
    ] = False,
) -> None:
    """Synthesize all stacks (same output as `cdktf synth`) and print each file's sha256.

    When the stack sources, the configuration, the pinned cdktf versions and --bootstrap
    are unchanged since the last synth into the same directory (and its files are intact),
    the output is reused without starting jsii.
    """
    from stackguard.synth import synthesize

    config = load_config(config_file)
    stacks = synthesize(config, out_dir, bootstrap=bootstrap, use_cache=not no_cache)
    if stacks and all(stack.cached for stack in stacks):
        err.print(f"reused {out_dir}: no synthesis input changed (--no-cache to force)", markup=False, highlight=False)
    # One line per stack, `sha256sum`-like, so CI logs can be compared and grepped.
    width = max(len(stack.name) for stack in stacks)
    for stack in stacks:
        out.print(
            f"{stack.name:<{width}}  {stack.sha256}  {out_dir / 'stacks' / stack.name / stack.path.name}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


PolicyOption = Annotated[
    Optional[Path],
    typer.Option(
        "--policy",
        help="Policy file (TOML). Default: $STACKGUARD_POLICY or ./policy.toml.",
        dir_okay=False,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help="text (a table), json (the snapshot), sarif (2.1.0, for code scanning), "
        "junit, or markdown (for $GITHUB_STEP_SUMMARY).",
    ),
]
EvidenceOption = Annotated[
    Path,
    typer.Option(
        "--evidence-dir",
        help="Root of the evidence tree: <dir>/<env>/<lane>/<run_id>/<lane>_snapshot.json.",
        file_okay=False,
    ),
]
RunIdOption = Annotated[
    Optional[str],
    typer.Option(
        "--run-id",
        help="Run id shared by the lanes of one run. Default: $STACKGUARD_RUN_ID or a new one.",
        envvar="STACKGUARD_RUN_ID",
    ),
]
OutputOption = Annotated[
    Optional[Path],
    typer.Option("--output", help="Also write the report to this file.", dir_okay=False),
]


def _require_format(fmt: str) -> None:
    """Refuse an unknown --format before any work is done (exit 2)."""
    from stackguard.report import FORMATS

    if fmt not in FORMATS:
        raise StackguardError(f"--format must be one of {', '.join(sorted(FORMATS))}, not {fmt!r}")


def _check(
    lane: str,
    load: Callable[["Policy"], "Inventory"],
    documents: Callable[["Inventory"], dict],
    *,
    details: Callable[["Inventory"], dict] = lambda inventory: {},
    policy_file: Optional[Path],
    fmt: str,
    evidence_dir: Path,
    run_id: Optional[str],
    output: Optional[Path],
    config_file: Optional[Path] = None,
) -> None:
    """Shared body of the check lanes: validate options, load, evaluate, record, report."""
    from evidence.provenance import new_run_id
    from guards.policy import load_policy
    from stackguard.lanes.check import run_check
    from stackguard.report import render

    _require_format(fmt)
    policy = load_policy(policy_file)
    inventory = load(policy)
    snapshot, path = run_check(
        lane=lane,
        inventory=inventory,
        policy=policy,
        documents=documents(inventory),
        evidence_root=evidence_dir,
        run_id=run_id or new_run_id(),
        details=details(inventory),
    )
    report = render(snapshot, fmt)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    out.print(report, markup=False, highlight=False, soft_wrap=True, end="" if report.endswith("\n") else "\n")
    err.print(f"snapshot: {path}", markup=False, highlight=False)
    from stackguard.lanes.publish import publish_if_configured

    for line in publish_if_configured(path.parent, config_file=config_file):  # never changes the exit code
        err.print(line, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(ExitCode.PASS if snapshot.overall_pass else ExitCode.BLOCKERS)


@check_app.command("synth")
def check_synth(
    path: Annotated[
        Path,
        typer.Argument(help="A cdktf.out directory or a single cdk.tf.json.", show_default=True),
    ] = Path("cdktf.out"),
    policy_file: PolicyOption = None,
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Check synthesized stacks (fast, no credentials): lane `synth`.

    Remote modules cannot be seen into here and are `unverifiable-module` unless they are
    well-known modules with known switches; `check plan` is the complete check.
    """
    from guards.documents import load_synth

    _check(
        "synth",
        lambda policy: load_synth(path),
        lambda inventory: {Path(p).parent.name: p for p in inventory.input_digests},
        policy_file=policy_file,
        fmt=fmt,
        evidence_dir=evidence_dir,
        run_id=run_id,
        output=output,
    )


@check_app.command("plan")
def check_plan(
    file: Annotated[
        Path, typer.Argument(help="`terraform show -json PLANFILE` output.", dir_okay=False)
    ],
    stack: Annotated[
        Optional[str],
        typer.Option("--stack", help="The stack this plan belongs to (its lifecycle and budget rules)."),
    ] = None,
    policy_file: PolicyOption = None,
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Check a terraform plan (complete: modules, count and for_each expanded): lane `plan`.

    What counts is the infrastructure after apply: deleting a NAT gateway is the fix,
    creating, updating, replacing or keeping one is a blocker.
    """
    from guards.documents import load_plan

    _check(
        "plan",
        lambda policy: load_plan(file, stack=stack),
        lambda inventory: {None: str(file)},
        policy_file=policy_file,
        fmt=fmt,
        evidence_dir=evidence_dir,
        run_id=run_id,
        output=output,
    )


@check_app.command("live")
def check_live(
    stack: Annotated[
        Optional[str],
        typer.Option("--stack", help="Only this stack's state, locks and tagged resources (untagged ones always show)."),
    ] = None,
    only: Annotated[
        Optional[str],
        typer.Option("--only", help="Comma list of sections: backend, infra, budget, cost. Default: all."),
    ] = None,
    confluent_url: Annotated[
        str,
        typer.Option(
            "--confluent-url",
            envvar="STACKGUARD_CONFLUENT_URL",
            help="Base URL of the Confluent Cloud API (billing), when the cost scope includes confluent.",
        ),
    ] = "https://api.confluent.cloud",
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Check the live account (read-only, except for a lock probe item of its own): lane `live`.

    Reads forbidden infrastructure in the policy's regions, the state bucket and lock table
    (with a lock probe and held locks), each stack's state and its digest, the budget with
    its actual spend, and month-to-date cost from Cost Explorer (and Confluent billing when
    the policy's cost scope includes it). Credentials come from the usual AWS chain;
    AWS_ENDPOINT_URL points it at LocalStack or moto.
    """
    import boto3

    from evidence.provenance import utc_now
    from guards.live.spend_details import spend_details
    from stackguard.lanes.live import LiveScope, collect_live, parse_sections, parse_stacks

    config = load_config(config_file)
    scope = LiveScope(
        stacks=parse_stacks(stack),
        sections=parse_sections(only),
        today=utc_now().date(),
        confluent_url=confluent_url,
    )
    _check(
        "live",
        lambda policy: collect_live(boto3.Session(region_name=config.region), config=config, policy=policy, scope=scope),
        lambda inventory: {},
        details=lambda inventory: {
            "sections": sorted(scope.sections),
            "spend": spend_details(inventory.live.spend if inventory.live else []),
        },
        policy_file=policy_file,
        fmt=fmt,
        evidence_dir=evidence_dir,
        run_id=run_id,
        output=output,
        config_file=config_file,
    )


def _local_snapshots(run_dir: Path, run_id: Optional[str]) -> tuple[list, list[str]]:
    """Every snapshot below a local directory; unreadable ones are problems."""
    from evidence.store import EvidenceError, find_snapshots, read_snapshot

    if not run_dir.is_dir():
        raise StackguardError(f"{run_dir}: no such directory")
    snapshots, problems = [], []
    for path in find_snapshots(run_dir):
        try:
            snapshot = read_snapshot(path)
        except EvidenceError as exc:
            problems.append(str(exc))
            continue
        if run_id is None or snapshot.run_id == run_id:
            snapshots.append(snapshot)
    return snapshots, problems


def _published_snapshots(url: str, run_id: Optional[str], config_file: Optional[Path]) -> tuple[list, list[str]]:
    """Snapshots of published lanes, each object checked against its lane's index."""
    import boto3

    from evidence.fetch import fetch_snapshots
    from evidence.publish import as_client_factory
    from evidence.remote_layout import parse_evidence_url

    prefix = parse_evidence_url(url)
    config = load_config(config_file)
    s3 = as_client_factory(boto3.Session(region_name=config.region))("s3", config.region)
    snapshots, problems = fetch_snapshots(s3, prefix, run_id=run_id)
    return [s for s in snapshots if run_id is None or s.run_id == run_id], problems


@app.command()
def report(
    snapshot_file: Annotated[
        Path, typer.Argument(help="A `<lane>_snapshot.json` written by a check or a lane.", dir_okay=False)
    ],
    fmt: FormatOption = "text",
    output: OutputOption = None,
) -> None:
    """Render an existing snapshot in any format, without checking again.

    One check run can then feed both a SARIF upload and a markdown step summary. The
    snapshot is re-read with its verdict re-derived, so a hand-edited one is refused.
    """
    from evidence.store import read_snapshot
    from stackguard.report import render

    _require_format(fmt)
    rendered = render(read_snapshot(snapshot_file), fmt)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(rendered, encoding="utf-8")
    out.print(rendered, markup=False, highlight=False, soft_wrap=True, end="" if rendered.endswith("\n") else "\n")


@app.command()
def verdict(
    run_dir: Annotated[
        str,
        typer.Argument(
            help="A run directory, any directory above snapshots (e.g. runs/dev_min), or a published "
            "prefix: s3://BUCKET/evidence/ENV/ (every lane's run, --run-id to pick one run) or "
            "s3://BUCKET/evidence/ENV/LANE/RUN_ID/ (one lane's run).",
            metavar="DIR|S3_PREFIX",
        ),
    ],
    policy_file: PolicyOption = None,
    run_id: Annotated[
        Optional[str], typer.Option("--run-id", help="Only snapshots of this run.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    config_file: ConfigOption = None,
) -> None:
    """Roll snapshots up: pass only if every required lane passed under the current policy.

    A published lane's run is read through its index, and every object must match the sha256
    the index records; a lane's run without its index is incomplete and blocks. (--config
    gives the region for an s3:// prefix.)
    """
    from evidence.remote_layout import is_s3_url
    from evidence.verdict import decide
    from guards.policy import load_policy

    policy = load_policy(policy_file)
    if is_s3_url(run_dir):
        snapshots, problems = _published_snapshots(run_dir, run_id, config_file)
    else:
        snapshots, problems = _local_snapshots(Path(run_dir), run_id)
    result = decide(
        snapshots,
        policy_digest=policy.digest,
        required_lanes=policy.verdict.required_lanes,
        problems=problems,
    )
    if as_json:
        out.print(result.model_dump_json(indent=2), markup=False, highlight=False, soft_wrap=True)
    else:
        for lane in result.lanes:
            state = "pass" if lane.overall_pass and not lane.reasons else "BLOCKED"
            out.print(f"{lane.lane:<10} {state:<8} run {lane.run_id or '-'}", markup=False, highlight=False)
            for reason in lane.reasons:
                out.print(f"  - {reason}", markup=False, highlight=False, soft_wrap=True)
        for problem in result.problems:
            out.print(f"problem: {problem}", markup=False, highlight=False, soft_wrap=True)
        out.print("VERDICT: PASS" if result.passed else "VERDICT: BLOCKED", markup=False, highlight=False)
    raise typer.Exit(ExitCode.PASS if result.passed else ExitCode.BLOCKERS)


evidence_app = typer.Typer(help="Publish evidence snapshots to the evidence bucket.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("publish")
def evidence_publish(
    run_dir: Annotated[
        Path,
        typer.Argument(help="A run directory, or any directory above the snapshots of one run.", file_okay=False),
    ],
    config_file: ConfigOption = None,
    bucket: Annotated[
        Optional[str], typer.Option("--bucket", help="Evidence bucket. Default: evidence.bucket of the configuration.")
    ] = None,
    run_id: Annotated[
        Optional[str], typer.Option("--run-id", help="Only snapshots of this run, when DIR holds several runs.")
    ] = None,
) -> None:
    """Upload one run's snapshots to evidence/<env>/<lane>/<run_id>/, then each lane's index
    beside its snapshot, evidence/<env>/<lane>/<run_id>/index.json (sha256 and size).

    A published lane's run is never overwritten: a taken key in any lane refuses the whole
    run before any upload, and every write is conditional. Each object is read back and its
    sha256 compared.
    """
    import boto3
    from pydantic import ValidationError

    from evidence.publish import publish_run
    from stacks.config import EvidenceConfig

    config = load_config(config_file)
    if bucket is not None:
        try:
            bucket = EvidenceConfig(bucket=bucket).bucket
        except ValidationError as exc:
            raise ConfigError(f"--bucket {bucket!r}: {exc.errors()[0]['msg']}") from None
    published = publish_run(
        boto3.Session(region_name=config.region),
        bucket=bucket or config.evidence.bucket,
        run_dir=run_dir,
        region=config.region,
        run_id=run_id,
    )
    for line in published.report_lines():
        out.print(line, markup=False, highlight=False, soft_wrap=True)


teardown_app = typer.Typer(
    help=(
        "Tear down an ephemeral stack: prove the destroy plan removes only that stack and "
        "nothing preserved, apply exactly that plan, verify nothing is left."
    ),
    no_args_is_help=True,
)
app.add_typer(teardown_app, name="teardown")

StackArgument = Annotated[str, typer.Argument(help="The stack to tear down (the policy's teardown.allowed_stacks).")]
OutDirOption = Annotated[
    Path,
    typer.Option("--out", help="The synthesized app (cdktf.out); terraform runs in <out>/stacks/<stack>.", file_okay=False),
]
AllowStaticOption = Annotated[
    bool,
    typer.Option(
        "--allow-static-credentials",
        help="Accept long-lived AWS keys (a local sandbox only); the snapshot records it.",
    ),
]


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _confirm(stack: str, *, verb: str = "destroy", done: str = "destroyed") -> None:
    """The user types the stack's name, at a terminal; anything else changes nothing."""
    import click

    if not _interactive():
        raise StackguardError(
            f"no terminal to confirm on: type {stack!r} at the prompt, or pass --auto-approve "
            f"(CI, with short-lived credentials); nothing was {done}"
        )
    try:
        answer = typer.prompt(f"Type the stack name ({stack}) to {verb} it", err=True, default="", show_default=False)
    except (click.exceptions.Abort, EOFError):
        raise StackguardError(f"no confirmation given; nothing was {done}") from None
    if answer.strip() != stack:
        raise StackguardError(f"the confirmation did not match {stack!r}; nothing was {done}")


def _print_report(snapshot, fmt: str, output: Optional[Path]) -> None:
    from stackguard.report import render

    report = render(snapshot, fmt)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    out.print(report, markup=False, highlight=False, soft_wrap=True, end="" if report.endswith("\n") else "\n")


def _publish_lane(snapshot_path: Path, config_file: Optional[Path]) -> bool:
    """Publish one lane's run directory when publication is switched on; False only when it
    was asked for and failed (each outcome is a line on stderr)."""
    from stackguard.lanes.publish import WARNING, publish_if_configured

    lines = publish_if_configured(snapshot_path.parent, config_file=config_file)
    for line in lines:
        err.print(line, markup=False, highlight=False, soft_wrap=True)
    return not any(line.startswith(WARNING) for line in lines)


def _teardown(
    stack: str,
    *,
    apply: bool,
    auto_approve: bool,
    allow_static_credentials: bool,
    config_file: Optional[Path],
    policy_file: Optional[Path],
    out_dir: Path,
    fmt: str,
    evidence_dir: Path,
    run_id: Optional[str],
    output: Optional[Path],
) -> None:
    """Shared body of `teardown plan` and `teardown run`."""
    import os

    import boto3

    from evidence.provenance import new_run_id
    from guards.policy import load_policy
    from stackguard.lanes import teardown
    from stackguard.lanes.operator import Request
    from stackguard.report.teardown import destroy_set_summary

    _require_format(fmt)
    config = load_config(config_file)
    request = Request(
        operation=teardown.OPERATION,
        stack=stack,
        config=config,
        policy=load_policy(policy_file),
        out_dir=out_dir,
        evidence_root=evidence_dir,
        run_id=run_id or new_run_id(),
        environ=dict(os.environ),
        allow_static_credentials=allow_static_credentials,
    )
    teardown.prepare(request, apply=apply)
    session = boto3.Session(region_name=config.region)
    contract = teardown.contract(request, session)
    err.print(f"snapshot: {contract.path}", markup=False, highlight=False)
    published = _publish_lane(contract.path, config_file)
    if not apply or not contract.holds:
        _print_report(contract.snapshot, fmt, output)
        if fmt == "text" and contract.saved is not None:
            out.print(destroy_set_summary(contract.snapshot), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.PASS if contract.snapshot.overall_pass else ExitCode.BLOCKERS)
    err.print(destroy_set_summary(contract.snapshot), markup=False, highlight=False, soft_wrap=True)
    if not published:  # asked to freeze the scope in the evidence bucket, and that failed
        raise StackguardError("the contract snapshot could not be published; nothing was destroyed", ExitCode.ENVIRONMENT)
    if not auto_approve:
        _confirm(stack)
    outcome = teardown.apply(request, contract)
    _print_report(outcome.snapshot, fmt, output)
    err.print(f"snapshot: {outcome.path}", markup=False, highlight=False)
    for path in outcome.paths:
        _publish_lane(path, config_file)
    if outcome.failure is not None:
        raise StackguardError(outcome.failure, ExitCode.ENVIRONMENT)
    raise typer.Exit(ExitCode.PASS if outcome.snapshot.overall_pass else ExitCode.BLOCKERS)


@teardown_app.command("plan")
def teardown_plan(
    stack: StackArgument,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = Path("cdktf.out"),
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Plan the destroy and prove its contract; destroys nothing: lane `teardown-contract`.

    Synthesizes (reusing cdktf.out when nothing changed), runs terraform init, plan -destroy
    -out=FILE and show -json FILE in <out>/stacks/<stack>, and writes the contract snapshot:
    the plan file's sha256, the destroy-set and the preserve-set.
    """
    _teardown(
        stack,
        apply=False,
        auto_approve=False,
        allow_static_credentials=allow_static_credentials,
        config_file=config_file,
        policy_file=policy_file,
        out_dir=out_dir,
        fmt=fmt,
        evidence_dir=evidence_dir,
        run_id=run_id,
        output=output,
    )


@teardown_app.command("run")
def teardown_run(
    stack: StackArgument,
    auto_approve: Annotated[
        bool, typer.Option("--auto-approve", help="Do not ask for the stack name (CI).")
    ] = False,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = Path("cdktf.out"),
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Plan and prove the contract, then apply exactly that plan file and verify the result.

    Lanes `teardown-contract`, `teardown-verify` and `teardown` (the proof). Applies only if
    the contract holds and, without --auto-approve, the stack's name is typed at the prompt.
    Never re-plans and never runs `terraform destroy`; a stale plan stops.
    """
    _teardown(
        stack,
        apply=True,
        auto_approve=auto_approve,
        allow_static_credentials=allow_static_credentials,
        config_file=config_file,
        policy_file=policy_file,
        out_dir=out_dir,
        fmt=fmt,
        evidence_dir=evidence_dir,
        run_id=run_id,
        output=output,
    )


@app.command()
def deploy(
    stack: Annotated[str, typer.Argument(help="The stack to deploy: core, confluent, then demo.")],
    auto_approve: Annotated[
        bool, typer.Option("--auto-approve", help="Do not ask for the stack name (CI).")
    ] = False,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = Path("cdktf.out"),
    fmt: FormatOption = "text",
    evidence_dir: EvidenceOption = Path("runs"),
    run_id: RunIdOption = None,
    output: OutputOption = None,
) -> None:
    """Deploy one stack through the guards: lanes `deploy-plan` and `deploy-live`.

    Refuses static credentials and out-of-order deploys (core, confluent, demo); for
    confluent and demo the backend must be ready and its lock probe pass. Then terraform
    init, plan -out=FILE, show -json FILE; the plan guards judge exactly that plan, and
    only if it passes (and the stack's name is typed, or --auto-approve) is exactly that
    plan file applied. Finally `check live` (backend, infra) for the stack.
    """
    import os

    import boto3

    from evidence.provenance import new_run_id
    from guards.policy import load_policy
    from stackguard.lanes import deploy as lane
    from stackguard.lanes.operator import Request

    _require_format(fmt)
    config = load_config(config_file)
    request = Request(
        operation=lane.OPERATION,
        stack=stack,
        config=config,
        policy=load_policy(policy_file),
        out_dir=out_dir,
        evidence_root=evidence_dir,
        run_id=run_id or new_run_id(),
        environ=dict(os.environ),
        allow_static_credentials=allow_static_credentials,
    )
    lane.prepare(request)
    session = boto3.Session(region_name=config.region)
    checked = lane.check(request, session)
    err.print(f"snapshot: {checked.path}", markup=False, highlight=False)
    published = _publish_lane(checked.path, config_file)
    if not checked.holds:
        _print_report(checked.snapshot, fmt, output)
        raise typer.Exit(ExitCode.PASS if checked.snapshot.overall_pass else ExitCode.BLOCKERS)
    if not published:
        raise StackguardError("the deploy-plan snapshot could not be published; nothing was applied", ExitCode.ENVIRONMENT)
    if not auto_approve:
        _confirm(stack, verb="deploy", done="applied")
    applied = lane.apply(request, session, checked)
    _print_report(applied.snapshot, fmt, output)
    err.print(f"snapshot: {applied.path}", markup=False, highlight=False)
    _publish_lane(applied.path, config_file)
    raise typer.Exit(ExitCode.PASS if applied.snapshot.overall_pass else ExitCode.BLOCKERS)


def _bad_input_errors() -> tuple[type[Exception], ...]:
    from evidence.store import EvidenceError
    from guards.documents.errors import InputError
    from guards.policy import PolicyError

    return (ConfigError, PolicyError, InputError, EvidenceError)


def run() -> None:
    """Console-script entry point: map expected failures to exit codes, never a traceback."""
    BAD_INPUT_ERRORS = _bad_input_errors()
    try:
        app()  # standalone: click reports usage errors itself, with exit code 2
    except BAD_INPUT_ERRORS as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(ExitCode.BAD_INPUT)
    except StackguardError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.code)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        err.print(f"error: unexpected {type(exc).__name__}: {exc}", markup=False, highlight=False)
        sys.exit(ExitCode.ENVIRONMENT)

"""`stackguard check synth|plan|live` and `stackguard report`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from stackguard.cli.emit import Reporting, emit, show
from stackguard.cli.options import (
    DEFAULT_EVIDENCE,
    AllOption,
    ConfigOption,
    EvidenceOption,
    FormatOption,
    NoColorOption,
    OutputOption,
    PolicyOption,
    QuietOption,
    RunIdOption,
    run_id_or_new,
)
from stackguard.report import Format

if TYPE_CHECKING:
    from stackguard.lanes.check import Recording

check_app = typer.Typer(
    help="Check infrastructure against the policy and write an evidence snapshot.",
    no_args_is_help=True,
)


def _recording(evidence_dir: Path, run_id: str | None) -> Recording:
    from stackguard.lanes.check import Recording

    return Recording(evidence_dir, run_id_or_new(run_id))


@check_app.command("synth")
def check_synth(
    path: Annotated[
        Path,
        typer.Argument(help="A cdktf.out directory or a single cdk.tf.json.", show_default=True),
    ] = Path("cdktf.out"),
    policy_file: PolicyOption = None,
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Check synthesized stacks (fast, no credentials): lane `synth`.

    Remote modules cannot be seen into here and are `unverifiable-module` unless they are
    well-known modules with known switches; `check plan` is the complete check.
    """
    from guards.policy import load_policy
    from stackguard.lanes import check

    reporting = Reporting(fmt, output, no_color=no_color, quiet=quiet, show_all=show_all)
    emit(check.check_synth(path, load_policy(policy_file), _recording(evidence_dir, run_id)), reporting)


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
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Check a terraform plan (complete: modules, count and for_each expanded): lane `plan`.

    What counts is the infrastructure after apply: deleting a NAT gateway is the fix,
    creating, updating, replacing or keeping one is a blocker.
    """
    from guards.policy import load_policy
    from stackguard.lanes import check

    reporting = Reporting(fmt, output, no_color=no_color, quiet=quiet, show_all=show_all)
    emit(check.check_plan(file, stack, load_policy(policy_file), _recording(evidence_dir, run_id)), reporting)


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
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Check the live account (read-only, except for a lock probe item of its own): lane `live`.

    Reads forbidden infrastructure in the policy's regions, the state bucket and lock table
    (with a lock probe and held locks), each stack's state and its digest, the budget with
    its actual spend, and month-to-date cost from Cost Explorer (and Confluent billing when
    the policy's cost scope includes it). Credentials come from the usual AWS chain;
    AWS_ENDPOINT_URL points it at LocalStack or moto.
    """
    from foundation.clock import utc_now
    from guards.policy import load_policy
    from stackguard.lanes import check
    from stackguard.lanes.live import LiveScope, parse_sections, parse_stacks
    from stacks.config import load_config

    config = load_config(config_file)
    scope = LiveScope(parse_stacks(stack), parse_sections(only), utc_now().date(), confluent_url)
    recorded = check.check_live(config, scope, load_policy(policy_file), _recording(evidence_dir, run_id))
    emit(recorded, Reporting(fmt, output, config_file, no_color=no_color, quiet=quiet, show_all=show_all))


def report(
    snapshot_file: Annotated[
        Path, typer.Argument(help="A `<lane>_snapshot.json` written by a check or a lane.", dir_okay=False)
    ],
    fmt: FormatOption = Format.TEXT,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Render an existing snapshot in any format, without checking again.

    One check run can then feed both a SARIF upload and a markdown step summary. The
    snapshot is re-read with its verdict re-derived, so a hand-edited one is refused.
    """
    from evidence.store import read_snapshot

    show(read_snapshot(snapshot_file), Reporting(fmt, output, no_color=no_color, quiet=quiet, show_all=show_all))

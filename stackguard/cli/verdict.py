"""`stackguard verdict` and `stackguard evidence publish`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from foundation.errors import ExitCode
from stackguard.cli.emit import say
from stackguard.cli.options import ConfigOption, PolicyOption, RunIdFilterOption

evidence_app = typer.Typer(help="Publish evidence snapshots to the evidence bucket.", no_args_is_help=True)


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
    run_id: RunIdFilterOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    config_file: ConfigOption = None,
    profile: Annotated[
        Optional[str],
        typer.Option(
            "--profile",
            help="Which lanes must have passed: the policy's [verdict] required_lanes (default), or "
            "a profile of [verdict.profiles], e.g. closure (synth, a full check live, a teardown "
            "contract and its verification).",
        ),
    ] = None,
) -> None:
    """Roll snapshots up: pass only if every required lane passed under the current policy.

    A published lane's run is read through its index, and every object must match the sha256
    the index records; a lane's run without its index is incomplete and blocks. (--config
    gives the region for an s3:// prefix.)
    """
    from guards.policy import load_policy
    from stackguard.lanes.verdict import judge_evidence
    from stackguard.report.verdict import verdict_lines

    result = judge_evidence(run_dir, run_id, load_policy(policy_file), config_file, profile)
    say(result.model_dump_json(indent=2) if as_json else "\n".join(verdict_lines(result)))
    raise typer.Exit(ExitCode.PASS if result.passed else ExitCode.BLOCKERS)


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
    run_id: RunIdFilterOption = None,
) -> None:
    """Upload one run's snapshots to evidence/<env>/<lane>/<run_id>/, then each lane's index
    beside its snapshot, evidence/<env>/<lane>/<run_id>/index.json (sha256 and size).

    A published lane's run is never overwritten: a taken key in any lane refuses the whole
    run before any upload, and every write is conditional. Each object is read back and its
    sha256 compared.
    """
    from stackguard.lanes.publish import publish_directory

    published = publish_directory(run_dir, config_file=config_file, bucket=bucket, run_id=run_id)
    for line in published.report_lines():
        say(line)

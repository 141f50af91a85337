"""`stackguard deploy` and `stackguard teardown plan|run`: one flow over the operator lanes.

Judge and record; print what was recorded; stop unless the judgement holds, its snapshot
could be published when that was asked for, and the operator confirmed (or --auto-approve);
then apply exactly the judged plan and report what it left. Exit 0 means the reviewed plan
was applied and verified (or, for `teardown plan`, the contract holds on a judged plan);
every other way a lane ends is non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from foundation.errors import ExitCode, StackguardError
from stackguard.cli.emit import Reporting, announce, conclude, err, note, publish, say, show
from stackguard.cli.options import (
    DEFAULT_EVIDENCE,
    DEFAULT_OUT,
    AllOption,
    AllowStaticOption,
    AutoApproveOption,
    ConfigOption,
    EvidenceOption,
    FormatOption,
    NoColorOption,
    OutDirOption,
    OutputOption,
    PolicyOption,
    QuietOption,
    RunIdOption,
    run_id_or_new,
)
from stackguard.report import Format
from stacks.bootstrap import BOOTSTRAP_STATE_FILE

if TYPE_CHECKING:
    from stackguard.lanes.operator import Applied, Judged, Operation, Request

teardown_app = typer.Typer(
    help=(
        "Tear down an ephemeral stack: prove the destroy plan removes only that stack and "
        "nothing preserved, apply exactly that plan, verify nothing is left."
    ),
    no_args_is_help=True,
)
TeardownStack = Annotated[str, typer.Argument(help="The stack to tear down (the policy's teardown.allowed_stacks).")]


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def confirm(stack: str, *, verb: str, done: str) -> None:
    """The user types the stack's name, at a terminal; anything else changes nothing."""
    if not _interactive():
        raise StackguardError(
            f"no terminal to confirm on: type {stack!r} at the prompt, or pass --auto-approve "
            f"(CI, with short-lived credentials); nothing was {done}"
        )
    try:
        answer = typer.prompt(f"Type the stack name ({stack}) to {verb} it", err=True, default="", show_default=False)
    except (typer.Abort, EOFError):  # end of input or Ctrl-C at the prompt
        note("")  # the prompt's line was left open
        raise StackguardError(f"no confirmation given; nothing was {done}") from None
    if answer.strip() != stack:
        raise StackguardError(f"the confirmation did not match {stack!r}; nothing was {done}")


def operate(operation: Operation, reporting: Reporting, *, auto_approve: bool) -> NoReturn:
    """Judge; then, if asked to and it holds, confirm and apply. The plan is kept in a
    private directory that goes when the lane ends, whatever its outcome. Each step's
    progress goes to stderr (`stackguard.progress`)."""
    from stackguard import progress
    from stackguard.lanes.operator import private_directory

    with progress.reporting(progress.Steps(err)), private_directory() as private:
        _operate(operation, private, reporting, auto_approve=auto_approve)


def _operate(operation: Operation, private: Path, reporting: Reporting, *, auto_approve: bool) -> NoReturn:
    from stackguard import progress

    judged = operation.judge(private)
    progress.finish()  # before the summary and the prompt
    published = announce(judged.path, reporting)
    summary = operation.summary(judged.snapshot) if operation.summary and judged.saved else None
    if operation.apply is None or not judged.holds:
        show(judged.snapshot, reporting)
        if summary and reporting.fmt is Format.TEXT:
            say(summary)
        stopped(operation, judged)
    if summary:
        note(summary)
    if not published:  # asked to freeze the judgement in the evidence bucket, and that failed
        raise StackguardError(
            f"{operation.judgement} could not be published; nothing was {operation.done}", ExitCode.ENVIRONMENT
        )
    if not auto_approve:
        confirm(operation.stack, verb=operation.verb, done=operation.done)
    applied = operation.apply(judged)
    progress.finish()
    show(applied.snapshot, reporting)
    note(f"snapshot: {applied.path}")
    for path in applied.paths:
        publish(path, reporting)
    finished(operation, applied)


def stopped(operation: Operation, judged: Judged) -> NoReturn:
    """The end of a lane that applied nothing. Only a judge-only command (`teardown plan`)
    whose judgement holds, a plan included, passes; blockers are 1; a lane that stopped
    without blockers and without a judged plan never passes."""
    if not judged.snapshot.overall_pass:
        raise typer.Exit(ExitCode.BLOCKERS)
    if operation.apply is None and judged.holds:
        raise typer.Exit(ExitCode.PASS)
    raise StackguardError(
        f"{operation.judgement} has no blockers, but no plan was judged; nothing was {operation.done}",
        ExitCode.ENVIRONMENT,
    )


def finished(operation: Operation, applied: Applied) -> NoReturn:
    """The end of a lane that applied: 0 only when the apply completed and its result was
    verified and passes; 3 when the apply did not complete or nothing verified it."""
    if applied.failure is not None:
        raise StackguardError(applied.failure, ExitCode.ENVIRONMENT)
    if not applied.verified:
        raise StackguardError(
            f"the plan was {operation.done} but the result was not verified (snapshot {applied.path})",
            ExitCode.ENVIRONMENT,
        )
    conclude(applied.snapshot)


def request(
    operation: str,
    stack: str,
    *,
    config_file: Path | None,
    policy_file: Path | None,
    out_dir: Path,
    evidence_dir: Path,
    run_id: str | None,
    allow_static_credentials: bool,
    bootstrap: bool = False,
) -> Request:
    """The lane's request from the command's options: files loaded, the environment read."""
    import os

    from guards.policy import load_policy
    from stackguard.lanes.operator import Request
    from stacks.config import load_config

    return Request(
        operation=operation,
        stack=stack,
        config=load_config(config_file),
        policy=load_policy(policy_file),
        out_dir=out_dir,
        evidence_root=evidence_dir,
        run_id=run_id_or_new(run_id),
        environ=dict(os.environ),
        allow_static_credentials=allow_static_credentials,
        bootstrap=bootstrap,
    )


def deploy(
    stack: Annotated[str, typer.Argument(help="The stack to deploy: core, confluent, then demo.")],
    auto_approve: AutoApproveOption = False,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = DEFAULT_OUT,
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
    bootstrap: Annotated[
        bool,
        typer.Option(
            "--bootstrap",
            help=(
                "core's first deploy on a fresh account: apply core with local state "
                f"(./{BOOTSTRAP_STATE_FILE}), move that state into the bucket core creates, verify it "
                "there, then remove the local copy (lane deploy-migrate). Refused once core's state is "
                "in the bucket."
            ),
        ),
    ] = False,
) -> None:
    """Deploy one stack through the guards: lanes `deploy-plan` and `deploy-live`.

    Refuses static credentials and out-of-order deploys (core, confluent, demo); for
    confluent and demo the backend must be ready and its lock probe pass. Then terraform
    init, plan -out=FILE, show -json of a private copy of FILE; the plan guards judge
    exactly that plan, and only if it passes (and the stack's name is typed, or
    --auto-approve) is exactly that copy applied, with the judged credentials only.
    Finally `check live` (backend, infra) for the stack. An apply that fails or is
    interrupted writes lane `deploy-apply` and exits 3; exit 0 only after both.

    On a fresh account, start with `stackguard deploy core --bootstrap`.
    """
    from stackguard.lanes import deploy as lane

    req = request(
        lane.OPERATION, stack, config_file=config_file, policy_file=policy_file, out_dir=out_dir,
        evidence_dir=evidence_dir, run_id=run_id, allow_static_credentials=allow_static_credentials,
        bootstrap=bootstrap,
    )
    reporting = Reporting(fmt, output, config_file, no_color=no_color, quiet=quiet, show_all=show_all)
    operate(lane.operation(req), reporting, auto_approve=auto_approve)


@teardown_app.command("plan")
def teardown_plan(
    stack: TeardownStack,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = DEFAULT_OUT,
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Plan the destroy and prove its contract; destroys nothing: lane `teardown-contract`.

    Synthesizes (reusing cdktf.out when nothing changed), runs terraform init, plan -destroy
    -out=FILE and show -json FILE in <out>/stacks/<stack>, and writes the contract snapshot:
    the plan file's sha256, the destroy-set and the preserve-set.
    """
    from stackguard.lanes import teardown as lane

    req = request(
        lane.OPERATION, stack, config_file=config_file, policy_file=policy_file, out_dir=out_dir,
        evidence_dir=evidence_dir, run_id=run_id, allow_static_credentials=allow_static_credentials,
    )
    reporting = Reporting(fmt, output, config_file, no_color=no_color, quiet=quiet, show_all=show_all)
    operate(lane.operation(req, applies=False), reporting, auto_approve=False)


@teardown_app.command("run")
def teardown_run(
    stack: TeardownStack,
    auto_approve: AutoApproveOption = False,
    allow_static_credentials: AllowStaticOption = False,
    config_file: ConfigOption = None,
    policy_file: PolicyOption = None,
    out_dir: OutDirOption = DEFAULT_OUT,
    fmt: FormatOption = Format.TEXT,
    evidence_dir: EvidenceOption = DEFAULT_EVIDENCE,
    run_id: RunIdOption = None,
    output: OutputOption = None,
    no_color: NoColorOption = False,
    quiet: QuietOption = False,
    show_all: AllOption = False,
) -> None:
    """Plan and prove the contract, then apply exactly that plan file and verify the result.

    Lanes `teardown-contract`, `teardown-verify` and `teardown` (the proof). Applies only if
    the contract holds and, without --auto-approve, the stack's name is typed at the prompt.
    Never re-plans and never runs `terraform destroy`; a stale plan stops.
    """
    from stackguard.lanes import teardown as lane

    req = request(
        lane.OPERATION, stack, config_file=config_file, policy_file=policy_file, out_dir=out_dir,
        evidence_dir=evidence_dir, run_id=run_id, allow_static_credentials=allow_static_credentials,
    )
    reporting = Reporting(fmt, output, config_file, no_color=no_color, quiet=quiet, show_all=show_all)
    operate(lane.operation(req, applies=True), reporting, auto_approve=auto_approve)

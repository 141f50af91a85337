"""The synth guard inside the cdktf app, as cdk-nag is inside `cdk synth`/`cdk deploy`.

`cdktf synth` and `cdktf deploy` run `main.py`; `main.py` hands its synthesis to
`run_app`, which:

1. loads the policy first (a guard that cannot load its policy lets nothing through);
2. synthesizes into a private staging directory beside the output directory;
3. checks the staged stacks with the rules of `stackguard check synth`;
4. moves the files to where the cdktf CLI reads them only when there is no blocker.

On blockers the output directory is left as it was, the blockers are printed one line
each and the app exits 1, so the cdktf CLI stops at synth and nothing is planned or
applied. `STACKGUARD_SKIP_SYNTH_GUARD=1` skips the check, with a loud warning.

Nothing here imports cdktf: the caller's `synthesize(outdir)` does, so everything but
that one step runs (and is tested) without jsii.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from foundation.errors import ExitCode, StackguardError
from guards.findings import Finding
from guards.inventory import Inventory
from guards.policy import Policy

SKIP_VARIABLE = "STACKGUARD_SKIP_SYNTH_GUARD"
BOOTSTRAP_VARIABLE = "STACKGUARD_BOOTSTRAP"
#: Where the cdktf CLI wants the app's output (`cdktf synth --output`); cdktf's default.
OUTDIR_VARIABLE = "CDKTF_OUTDIR"
DEFAULT_OUTDIR = "cdktf.out"
TAG = "stackguard synth guard"
#: The one line said on stdout (the cdktf CLI shows the app's stderr as errors).
PASS_MARK = f"{TAG}: PASS:"
#: The one finding a bootstrap synth (core on a local backend, before the state bucket
#: exists) makes on purpose: `STACKGUARD_BOOTSTRAP=1` is the visible switch that asks for it.
BOOTSTRAP_STACK = "core"

Synthesize = Callable[[Path], None]


def skip_requested(environ: Mapping[str, str]) -> bool:
    """True when `STACKGUARD_SKIP_SYNTH_GUARD=1`; unset, empty or 0 guard. Anything else is
    refused rather than guessed at (a typo must not silently skip, nor silently guard)."""
    value = environ.get(SKIP_VARIABLE, "").strip()
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise StackguardError(f"{SKIP_VARIABLE} must be 1 (skip the synth guard) or unset, not {value!r}")


def policy_file(environ: Mapping[str, str]) -> Path:
    """The policy `stackguard check` would read: $STACKGUARD_POLICY, else ./policy.toml."""
    from guards.policy import DEFAULT_POLICY_FILE, POLICY_ENV_VAR

    return Path(environ.get(POLICY_ENV_VAR) or DEFAULT_POLICY_FILE)


def output_dir(environ: Mapping[str, str]) -> Path:
    """Where the cdktf CLI reads the app's output (it sets CDKTF_OUTDIR), else cdktf.out."""
    return Path(environ.get(OUTDIR_VARIABLE) or DEFAULT_OUTDIR)


@dataclass(frozen=True)
class Judgement:
    """What the guard decided about one synthesized app."""

    stacks: list[str]
    checked: int
    blockers: list[Finding]
    set_aside: list[Finding] = field(default_factory=list)  # expected by bootstrap

    @property
    def passed(self) -> bool:
        return not self.blockers


def _bootstrap_expected(finding: Finding, inventory: Inventory) -> bool:
    """core's local backend, in a bootstrap synth, and nothing else."""
    from guards import catalog

    local = any(b.stack == BOOTSTRAP_STACK and b.type == "local" for b in inventory.backends)
    return local and finding.code == catalog.BACKEND_TYPE_MISMATCH and finding.stack == BOOTSTRAP_STACK


def judge(inventory: Inventory, policy: Policy, *, today: dt.date, bootstrap: bool = False) -> Judgement:
    """The blocking findings of the synth rules (waivers applied), in a stable order."""
    from guards.engine import evaluate

    findings, _ = evaluate(inventory, policy, today=today)
    blocking = sorted((f for f in findings if f.blocks), key=Finding.sort_key)
    set_aside = [f for f in blocking if bootstrap and _bootstrap_expected(f, inventory)]
    return Judgement(
        stacks=sorted(s for s in inventory.stacks if s),
        checked=len(findings),
        blockers=[f for f in blocking if f not in set_aside],
        set_aside=set_aside,
    )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def blocker_line(finding: Finding) -> str:
    stack = f" [{finding.stack}]" if finding.stack else ""
    return f"{TAG}: BLOCKER {finding.code} {finding.subject}{stack}: {_one_line(finding.message)}"


def report_lines(judgement: Judgement, policy: Policy, source: Path) -> list[str]:
    """What the guard says on stderr: one line per blocker, then the verdict line."""
    where = f"policy {source} (sha256 {policy.digest[:12]})"
    lines = [
        f"{TAG}: bootstrap ({BOOTSTRAP_VARIABLE}=1): set aside, as expected for core's first deploy: "
        f"{f.code} {f.subject}"
        for f in judgement.set_aside
    ]
    if judgement.passed:
        return [*lines, f"{PASS_MARK} {len(judgement.stacks)} stack(s), {judgement.checked} check(s), {where}"]
    return [
        *lines,
        *(blocker_line(f) for f in judgement.blockers),
        f"{TAG}: BLOCKED: {len(judgement.blockers)} blocker(s) under {where}; cdktf stops at synth and "
        f"nothing is deployed. Fix them or waive them in the policy (`stackguard explain CODE`); "
        f"{SKIP_VARIABLE}=1 skips this guard, loudly.",
    ]


SKIPPED_LINE = (
    f"{TAG}: WARNING: SKIPPED ({SKIP_VARIABLE}=1): this synthesis was NOT checked against the "
    "policy, and cdktf may deploy a NAT gateway, a load balancer or anything else it forbids"
)


def _staging(outdir: Path) -> Path:
    """A private directory beside `outdir` (same depth, so bootstrap's relative state path
    holds), git-ignored as `.cdktf.out.*`."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))


def _synthesize_staged(synthesize: Synthesize, staging: Path) -> None:
    try:
        synthesize(staging)
    except RuntimeError as exc:  # raised inside jsii
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise StackguardError(f"synthesis failed: {first}", ExitCode.ENVIRONMENT) from exc


def guarded_synth(
    synthesize: Synthesize, environ: Mapping[str, str], *, today: dt.date, bootstrap: bool
) -> tuple[ExitCode, list[str]]:
    """Synthesize, judge, and move into place only what passed (or was visibly skipped)."""
    from guards.documents import load_synth
    from guards.policy import load_policy
    from stackguard.synth import move_into_place

    skip = skip_requested(environ)
    policy = None if skip else load_policy(policy_file(environ), today=today)  # before the 20 s synth
    outdir = output_dir(environ).resolve()
    staging = _staging(outdir)
    try:
        _synthesize_staged(synthesize, staging)
        if policy is None:
            move_into_place(staging, outdir)
            return ExitCode.PASS, [SKIPPED_LINE]
        judgement = judge(load_synth(staging), policy, today=today, bootstrap=bootstrap)
        lines = report_lines(judgement, policy, policy_file(environ))
        if not judgement.passed:
            return ExitCode.BLOCKERS, lines
        move_into_place(staging, outdir)
        return ExitCode.PASS, lines
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _bad_input() -> tuple[type[Exception], ...]:
    from guards.documents.errors import InputError
    from guards.policy import PolicyError
    from stacks.config import ConfigError

    return (ConfigError, PolicyError, InputError)


def run_app(
    synthesize: Synthesize,
    environ: Mapping[str, str] | None = None,
    *,
    bootstrap: bool = False,
    today: dt.date | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The cdktf app's exit code. What it says is one line each, never a traceback: the
    pass line on stdout, everything else (blockers, errors, warnings) on stderr, which the
    cdktf CLI shows as errors, and in full when the app stops it."""
    from foundation.clock import utc_now

    environ = os.environ if environ is None else environ
    bad_input = _bad_input()
    try:
        code, lines = guarded_synth(
            synthesize, environ, today=today or utc_now().date(), bootstrap=bootstrap
        )
    except bad_input as exc:
        code, lines = ExitCode.BAD_INPUT, [f"{TAG}: error: {_one_line(str(exc))}; nothing was synthesized for cdktf"]
    except StackguardError as exc:
        code, lines = exc.code, [f"{TAG}: error: {_one_line(str(exc))}; nothing was synthesized for cdktf"]
    except KeyboardInterrupt:
        code, lines = ExitCode.ENVIRONMENT, [f"{TAG}: error: interrupted; nothing was synthesized for cdktf"]
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback, never a pass
        code = ExitCode.ENVIRONMENT
        lines = [f"{TAG}: error: unexpected {type(exc).__name__}: {_one_line(str(exc))}; nothing was synthesized for cdktf"]
    for line in lines:
        quiet = line.startswith(PASS_MARK)
        print(line, file=(stdout or sys.stdout) if quiet else (stderr or sys.stderr), flush=True)
    return int(code)

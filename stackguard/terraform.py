"""Terraform (or OpenTofu) as a subprocess, for the teardown and deploy lanes.

Every run is non-interactive (stdin closed, `-input=false`, TF_IN_AUTOMATION) and its
output is captured, never echoed: plans and errors can carry values. Whatever terraform
prints passes the lane's `Scrubber` here, where it enters the program, so no credential
the lane knows reaches a message, a log, a snapshot or a report. A failure becomes one
line (the first error's summary, reason and address: `stackguard.terraform_errors`) that
names the lane's terraform log, where every command's whole output is kept
(`stackguard.terraform_log`), and exit code 3. `init`, `plan` and `apply` each mark a
progress step (`stackguard.progress`).

Interrupts: an apply runs in its own process group, and while it runs SIGINT and SIGTERM
do not stop this process; each is passed on to terraform as one interrupt, terraform
stops gracefully and releases its lock, and the apply's result says it was interrupted
(the lane then records what was applied and exits non-zero). Any other command that
gets Ctrl-C (terraform, in our process group, gets it too) is waited for, then fails.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from foundation.errors import ExitCode, StackguardError
from stackguard import progress
from stackguard.terraform_errors import summary as summary
from stackguard.terraform_log import LogRefused, TerraformLog, entry

STALE_PLAN_MARK = "Saved plan is stale"
AUTOMATION_ENV = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
_KEY_LIKE = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
REDACTED = "(redacted)"
#: Shorter values are no credential a provider issues; scrubbing them would mangle words.
MIN_SECRET = 8
INTERRUPTS = (signal.SIGINT, signal.SIGTERM)
#: The commands that start a progress step of their own (`show` belongs to the step it serves).
PROGRESS_STEPS = ("init", "plan", "apply")


class TerraformFailed(StackguardError):
    """A terraform command that failed; the message is one line."""

    code = ExitCode.ENVIRONMENT


def find_binary(name: str) -> str:
    """The configured binary's path on PATH, or exit 3 saying how to fix it."""
    found = shutil.which(name)
    if found is None:
        raise StackguardError(
            f"{name} not found on PATH: install Terraform or OpenTofu, or name the binary "
            "in [tooling] terraform of the configuration",
            ExitCode.ENVIRONMENT,
        )
    return found


@dataclass(frozen=True)
class Scrubber:
    """Replaces every known secret value (and anything shaped like an AWS key id) with
    `(redacted)`. Built once per lane from the credentials it knows."""

    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, values: Iterable[str | None]) -> Scrubber:
        kept = {value for value in values if value and len(value) >= MIN_SECRET}
        return cls(tuple(sorted(kept, key=len, reverse=True)))  # longest first: no partial leftovers

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _KEY_LIKE.sub(REDACTED, text)

    def data(self, data: bytes) -> bytes:
        """Machine output (`show -json`): only the known values, each replaced inside its string."""
        for secret in self.secrets:
            raw = secret.encode("utf-8")
            if raw in data:
                data = data.replace(raw, REDACTED.encode())
        return data


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: str
    interrupted: str | None = None  # the signal (SIGINT, SIGTERM) received while it ran


class _Forwarder:
    """While an apply runs: every SIGINT or SIGTERM is noted and passed on to terraform as
    one interrupt (terraform stops gracefully on the first, hard on the second)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.received: list[str] = []

    def __call__(self, signum: int, frame: object) -> None:
        self.received.append(signal.Signals(signum).name)
        self.forward()

    def forward(self) -> None:
        if self.process is not None and self.process.returncode is None:
            try:
                self.process.send_signal(signal.SIGINT)
            except ProcessLookupError:
                pass


@contextmanager
def _forwarding_interrupts() -> Iterator[_Forwarder]:
    """Install the forwarder for SIGINT and SIGTERM, and restore the handlers after."""
    forwarder = _Forwarder()
    previous: dict[int, object] = {}
    try:
        for signum in INTERRUPTS:
            previous[signum] = signal.signal(signum, forwarder)
    except ValueError:  # not the main thread: signals cannot be caught here
        pass
    try:
        yield forwarder
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Terraform:
    """One working directory (`cdktf.out/stacks/<stack>`) driven by one binary, with the
    environment the lane built for it and the lane's scrubber."""

    binary: str
    workdir: Path
    env: Mapping[str, str] = field(repr=False)
    scrubber: Scrubber = field(default_factory=Scrubber, repr=False)
    log: TerraformLog | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return Path(self.binary).name

    def _begin(self, args: tuple[str, ...]) -> float:
        """Before a command: its progress step, and the log created (its path printed) on the
        first one; a log that cannot be created stops the lane before terraform runs."""
        if args[0] in PROGRESS_STEPS and "-migrate-state" not in args:  # the move is the lane's `migrate` step
            progress.step(args[0])
        if self.log is not None:
            try:
                if self.log.create():
                    progress.note(f"terraform output: {self.log.path}")
            except LogRefused as exc:
                raise TerraformFailed(f"the terraform log {exc}; `{self.name} {args[0]}` was not run") from None
        return time.monotonic()

    def _start(self, args: tuple[str, ...], *, own_group: bool) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                [self.binary, *args],
                cwd=self.workdir,
                env={**self.env, **AUTOMATION_ENV},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                process_group=0 if own_group else None,
            )
        except OSError as exc:
            raise TerraformFailed(f"{self.name} {args[0]} could not start: {exc.strerror or exc}") from None

    def _completed(
        self, args: tuple[str, ...], started: float, process: subprocess.Popen[bytes], stdout: bytes, stderr: bytes,
        interrupted: str | None = None,
    ) -> Completed:
        """The result, scrubbed where it enters; the command and its output logged."""
        text = self.scrubber.text(stderr.decode("utf-8", "replace"))
        if self.log is not None:
            machine = "-json" in args
            problem = self.log.append(entry(
                [self.name, *args], returncode=process.returncode, seconds=time.monotonic() - started,
                stdout=None if machine else self.scrubber.text(stdout.decode("utf-8", "replace")),
                stdout_bytes=len(stdout), stderr=text, interrupted=interrupted,
            ))
            if problem:
                progress.note(problem)
        return Completed(process.returncode, self.scrubber.data(stdout), text, interrupted)

    def failure(self, command: str, result: Completed) -> str:
        """One line for a failed command: the first error, its reason and address, the log."""
        line = f"{self.name} {command} failed (exit {result.returncode}): {summary(result.stderr)}"
        return line + self.full_output()

    def full_output(self) -> str:
        return f"; full output: {self.log.path}" if self.log is not None and self.log.created else ""

    def run(self, *args: str) -> Completed:
        started = self._begin(args)
        process = self._start(args, own_group=False)
        try:
            stdout, stderr = process.communicate()
        except KeyboardInterrupt:
            stdout, stderr = process.communicate()  # terraform got the interrupt too: let it stop cleanly
            self._completed(args, started, process, stdout, stderr, "SIGINT")
            raise TerraformFailed(
                f"interrupted during `{self.name} {args[0]}`; terraform was allowed to stop and "
                f"release its lock{self.full_output()}"
            ) from None
        return self._completed(args, started, process, stdout, stderr)

    def run_interruptible(self, *args: str) -> Completed:
        """`run`, but SIGINT and SIGTERM reach terraform once each, through us, and are
        reported in the result instead of stopping this process."""
        started = self._begin(args)
        with _forwarding_interrupts() as forwarder:
            process = forwarder.process = self._start(args, own_group=True)
            if forwarder.received:  # a signal came while it was starting
                forwarder.forward()
            stdout, stderr = process.communicate()
        interrupted = forwarder.received[0] if forwarder.received else None
        return self._completed(args, started, process, stdout, stderr, interrupted)

    def checked(self, *args: str) -> bytes:
        result = self.run(*args)
        if result.returncode != 0:
            raise TerraformFailed(self.failure(args[0], result))
        return result.stdout

    def init(self, *, reconfigure: bool = False) -> None:
        """`init`; `reconfigure` ignores a backend an earlier init recorded (core's bootstrap
        always starts from its local state, whatever the working directory last used)."""
        self.checked("init", "-input=false", "-no-color", *(["-reconfigure"] if reconfigure else []))

    def migrate_state(self) -> None:
        """`init -migrate-state -force-copy`: copy the state of the backend last initialized
        into the one the configuration now names (core's first move into its bucket)."""
        self.checked("init", "-migrate-state", "-force-copy", "-input=false", "-no-color")

    def plan(self, plan_file: str) -> None:
        self.checked("plan", "-input=false", "-no-color", f"-out={plan_file}")

    def plan_destroy(self, plan_file: str) -> None:
        self.checked("plan", "-destroy", "-input=false", "-no-color", f"-out={plan_file}")

    def show_json(self, plan_file: str | None = None) -> bytes:
        """The plan (`show -json FILE`) or, with no file, the current state."""
        return self.checked("show", "-json", *([plan_file] if plan_file else []))

    def apply(self, plan_file: str) -> Completed:
        """Apply exactly this saved plan; the caller judges the outcome (interrupts included)."""
        return self.run_interruptible("apply", "-input=false", "-no-color", plan_file)

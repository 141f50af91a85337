"""Terraform (or OpenTofu) as a subprocess, for the teardown and deploy lanes.

Every run is non-interactive (stdin closed, `-input=false`, TF_IN_AUTOMATION) and its
output is captured, never echoed: plans and errors can carry values. A failure becomes
one line (terraform's own `Error:` summary, key-like strings scrubbed) and exit code 3.
On Ctrl-C terraform gets the interrupt too and stops gracefully, releasing its lock; we
wait for it rather than kill it in the middle of an apply.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import ExitCode, StackguardError

STALE_PLAN_MARK = "Saved plan is stale"
AUTOMATION_ENV = {"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_DECORATION = "│╷╵ \t"
_KEY_LIKE = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
MAX_LINE = 300


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


def summary(stderr: str) -> str:
    """The most meaningful line of terraform's stderr: its last `Error:` line, else its
    last non-empty line; box drawing, colour and anything key-like removed."""
    lines = [_ANSI.sub("", line).strip(_DECORATION) for line in stderr.splitlines()]
    meaningful = [line for line in lines if line]
    errors = [line for line in meaningful if line.startswith("Error:")]
    line = errors[-1] if errors else (meaningful[-1] if meaningful else "no output on stderr")
    line = _KEY_LIKE.sub("(redacted)", " ".join(line.split()))
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: str


@dataclass(frozen=True)
class Terraform:
    """One working directory (`cdktf.out/stacks/<stack>`) driven by one binary."""

    binary: str
    workdir: Path
    env: Mapping[str, str]

    @property
    def name(self) -> str:
        return Path(self.binary).name

    def run(self, *args: str) -> Completed:
        command = [self.binary, *args]
        try:
            process = subprocess.Popen(
                command,
                cwd=self.workdir,
                env={**self.env, **AUTOMATION_ENV},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            raise TerraformFailed(f"{self.name} {args[0]} could not start: {exc.strerror or exc}") from None
        try:
            stdout, stderr = process.communicate()
        except KeyboardInterrupt:
            process.communicate()  # terraform got the interrupt too: let it stop cleanly
            raise TerraformFailed(
                f"interrupted during `{self.name} {args[0]}`; terraform was allowed to stop and "
                "release its lock"
            ) from None
        return Completed(process.returncode, stdout, stderr.decode("utf-8", "replace"))

    def checked(self, *args: str) -> bytes:
        result = self.run(*args)
        if result.returncode != 0:
            raise TerraformFailed(f"{self.name} {args[0]} failed (exit {result.returncode}): {summary(result.stderr)}")
        return result.stdout

    def init(self) -> None:
        self.checked("init", "-input=false", "-no-color")

    def plan(self, plan_file: str) -> None:
        self.checked("plan", "-input=false", "-no-color", f"-out={plan_file}")

    def plan_destroy(self, plan_file: str) -> None:
        self.checked("plan", "-destroy", "-input=false", "-no-color", f"-out={plan_file}")

    def show_json(self, plan_file: str | None = None) -> bytes:
        """The plan (`show -json FILE`) or, with no file, the current state."""
        return self.checked("show", "-json", *([plan_file] if plan_file else []))

    def apply(self, plan_file: str) -> Completed:
        """Apply exactly this saved plan; the caller judges the outcome."""
        return self.run("apply", "-input=false", "-no-color", plan_file)

"""A fake `terraform`, first on PATH, for what the real engine cannot produce on demand.

It logs each call (argv, the environment it was given, its working directory and, for
`apply`, the sha256 of the plan file it was asked to apply), prints the plan or state
JSON the test chose for `show -json`, writes a plan file for `plan -out=FILE` (new random
bytes each time), and ends `apply` with the exit code and stderr the test chose, or
signals the process that started it and waits for the interrupt to come back (as
terraform does on Ctrl-C). Everything behind it is real. Its settings live in a file
beside it, not in its environment: the lanes give terraform an environment of their own.
The deploy, teardown and kernel tests share it.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.plans import EMPTY_STATE

#: How long the fake waits for an interrupt to come back after it signalled its parent.
INTERRUPT_WAIT_SECONDS = 20

SCRIPT = """#!{python}
import hashlib, json, os, signal, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
config = json.loads((HERE / "fake.json").read_text())
args = sys.argv[1:]
command = args[0] if args else ""
files = [a for a in args[1:] if not a.startswith("-")]
entry = {"argv": args, "env": dict(os.environ), "cwd": os.getcwd()}
if command == "apply" and files:
    plan = Path(files[-1])
    digest = hashlib.sha256(plan.read_bytes()).hexdigest() if plan.is_file() else None
    entry["plan"] = {"path": files[-1], "sha256": digest}
with open(HERE / "calls.jsonl", "a") as log:
    log.write(json.dumps(entry) + "\\n")

# `init -migrate-state` can fail on its own: the plan's init before it must not.
key = "init -migrate-state" if command == "init" and "-migrate-state" in args else command
failure = config.get("fail", {}).get(key)
if failure:
    sys.stderr.write(failure["stderr"])
    sys.exit(failure["code"])
if command == "plan":
    out = next(a.split("=", 1)[1] for a in args if a.startswith("-out="))
    Path(out).write_bytes(b"fake binary plan " + os.urandom(8))
elif command == "show":
    sys.stdout.write(Path(config["plan" if files else "state"]).read_text())
elif command == "apply" and config.get("apply_signals_parent"):
    received = []
    signal.signal(signal.SIGINT, lambda *_: received.append(time.monotonic()))
    os.kill(os.getppid(), getattr(signal, config["apply_signals_parent"]))
    deadline = time.monotonic() + {wait}
    while not received and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # a second interrupt would make terraform stop hard: count them
    with open(HERE / "interrupts.jsonl", "a") as log:
        log.write(json.dumps(len(received)) + "\\n")
    if not received:
        sys.stderr.write("Error: no interrupt reached terraform\\n")
        sys.exit(97)
    sys.stderr.write(
        "Interrupt received.\\nPlease wait for Terraform to exit or data loss may occur.\\n"
        "Gracefully shutting down...\\n\\nError: operation canceled\\n"
    )
    sys.exit(1)
elif command == "apply":
    sys.stderr.write(config.get("apply_stderr", ""))
    sys.exit(config.get("apply_exit", 0))
"""


@dataclass
class FakeTerraform:
    """The installed fake: what it was called with, and what it serves next."""

    directory: Path

    @property
    def binary(self) -> Path:
        return self.directory / "bin" / "terraform"

    @property
    def settings(self) -> Path:
        return self.directory / "fake.json"

    def _entries(self, name: str) -> list[Any]:
        log = self.directory / name
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    def calls(self) -> list[list[str]]:
        """The argv of each call, in order."""
        return [entry["argv"] for entry in self._entries("calls.jsonl")]

    def environments(self) -> list[dict[str, str]]:
        """The environment each call was given, in order."""
        return [entry["env"] for entry in self._entries("calls.jsonl")]

    def applied(self) -> list[dict[str, str | None]]:
        """For each apply: the plan file's path as given, and its sha256 when it was applied."""
        return [entry["plan"] for entry in self._entries("calls.jsonl") if entry["argv"][:1] == ["apply"]]

    def interrupts(self) -> list[int]:
        """For each apply that signalled its parent: how many interrupts came back."""
        return self._entries("interrupts.jsonl")

    def _set(self, **values: Any) -> None:
        settings = json.loads(self.settings.read_text()) if self.settings.exists() else {}
        self.settings.write_text(json.dumps({**settings, **values}))

    def _serve(self, what: str, document: dict) -> None:
        path = self.directory / f"{what}.json"
        path.write_text(json.dumps(document))
        self._set(**{what: str(path)})

    def plan(self, document: dict) -> None:
        """What `show -json FILE` prints."""
        self._serve("plan", document)

    def state(self, document: dict) -> None:
        """What `show -json` (no file: the state) prints."""
        self._serve("state", document)

    def apply_fails(self, code: int, stderr: str) -> None:
        self._set(apply_exit=code, apply_stderr=stderr)

    def fails(self, command: str, code: int, stderr: str) -> None:
        """`command` (init, plan, show, apply, or `init -migrate-state` alone) prints
        `stderr` and exits with `code`."""
        failures = json.loads(self.settings.read_text()).get("fail", {}) if self.settings.exists() else {}
        self._set(fail={**failures, command: {"code": code, "stderr": stderr}})

    def apply_signals_parent(self, signal_name: str) -> None:
        """`apply` sends SIGINT or SIGTERM to the process that started it, then waits (at
        most INTERRUPT_WAIT_SECONDS) for an interrupt and exits as terraform does."""
        self._set(apply_signals_parent=signal_name)


def install(directory: Path, monkeypatch: pytest.MonkeyPatch) -> FakeTerraform:
    """Write the fake into `directory`/bin and put it first on PATH; it serves an empty state."""
    fake = FakeTerraform(directory)
    fake.binary.parent.mkdir(parents=True)
    script = SCRIPT.replace("{python}", sys.executable).replace("{wait}", str(INTERRUPT_WAIT_SECONDS))
    fake.binary.write_text(script)
    fake.binary.chmod(fake.binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{fake.binary.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    fake.state(EMPTY_STATE)
    return fake


@pytest.fixture
def fake_terraform(tmp_path, monkeypatch) -> FakeTerraform:
    """`terraform` first on PATH, serving an empty state and (until told) no plan."""
    return install(tmp_path / "fake-terraform", monkeypatch)

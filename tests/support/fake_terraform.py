"""A fake `terraform`, first on PATH, for what the real engine cannot produce on demand.

It appends its argv to a log, prints the plan or state JSON the test chose for
`show -json`, writes a plan file for `plan -out=FILE` (new random bytes each time), and
ends `apply` with the exit code and stderr the test chose. Everything behind it is real.
The deploy, teardown and kernel tests share it.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.plans import EMPTY_STATE

SCRIPT = """#!{python}
import json, os, sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["FAKE_TF_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
command = args[0] if args else ""
if command == "plan":
    out = next(a.split("=", 1)[1] for a in args if a.startswith("-out="))
    Path(out).write_bytes(b"fake binary plan " + os.urandom(8))
elif command == "show":
    files = [a for a in args[1:] if not a.startswith("-")]
    sys.stdout.write(Path(os.environ["FAKE_TF_PLAN_JSON" if files else "FAKE_TF_STATE_JSON"]).read_text())
elif command == "apply":
    sys.stderr.write(os.environ.get("FAKE_TF_APPLY_STDERR", ""))
    sys.exit(int(os.environ.get("FAKE_TF_APPLY_EXIT", "0")))
"""


@dataclass
class FakeTerraform:
    """The installed fake: what it was called with, and what it serves next."""

    directory: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def binary(self) -> Path:
        return self.directory / "bin" / "terraform"

    @property
    def log(self) -> Path:
        return self.directory / "argv.jsonl"

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def _serve(self, variable: str, document: dict) -> None:
        path = self.directory / f"{variable.lower()}.json"
        path.write_text(json.dumps(document))
        self.monkeypatch.setenv(variable, str(path))

    def plan(self, document: dict) -> None:
        """What `show -json FILE` prints."""
        self._serve("FAKE_TF_PLAN_JSON", document)

    def state(self, document: dict) -> None:
        """What `show -json` (no file: the state) prints."""
        self._serve("FAKE_TF_STATE_JSON", document)

    def apply_fails(self, code: int, stderr: str) -> None:
        self.monkeypatch.setenv("FAKE_TF_APPLY_EXIT", str(code))
        self.monkeypatch.setenv("FAKE_TF_APPLY_STDERR", stderr)


def install(directory: Path, monkeypatch: pytest.MonkeyPatch) -> FakeTerraform:
    """Write the fake into `directory`/bin and put it first on PATH; it serves an empty state."""
    fake = FakeTerraform(directory, monkeypatch)
    fake.binary.parent.mkdir(parents=True)
    fake.binary.write_text(SCRIPT.replace("{python}", sys.executable))
    fake.binary.chmod(fake.binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{fake.binary.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_TF_LOG", str(fake.log))
    fake.state(EMPTY_STATE)
    return fake


@pytest.fixture
def fake_terraform(tmp_path, monkeypatch) -> FakeTerraform:
    """`terraform` first on PATH, serving an empty state and (until told) no plan."""
    return install(tmp_path / "fake-terraform", monkeypatch)

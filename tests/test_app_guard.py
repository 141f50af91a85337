"""The synth guard inside the cdktf app (stackguard/app_guard.py), without jsii: the
synthesis step is a stand-in that writes the project's own pinned synth output (the
syrupy snapshots of tests/stacks), changed where a test says so."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stackguard.app_guard import SKIP_VARIABLE, run_app
from stacks.config import ConfigError
from tests.conftest import REPO_ROOT

SNAPSHOTS = REPO_ROOT / "tests/stacks/__snapshots__/test_snapshots"
POLICY = REPO_ROOT / "policy.toml"
NAT = "aws_nat_gateway.sneaky"


def pinned_stacks() -> dict[str, dict]:
    return {
        name: json.loads((SNAPSHOTS / f"test_stack_matches_snapshot[{name}].json").read_text())
        for name in ("core", "confluent", "demo")
    }


def with_nat(stacks: dict[str, dict]) -> dict[str, dict]:
    changed = copy.deepcopy(stacks)
    changed["demo"]["resource"]["aws_nat_gateway"] = {
        "sneaky": {"subnet_id": "subnet-0123", "connectivity_type": "public", "tags": {"lifecycle": "ephemeral"}}
    }
    return changed


def local_core_backend(stacks: dict[str, dict]) -> dict[str, dict]:
    changed = copy.deepcopy(stacks)
    changed["core"]["terraform"]["backend"] = {"local": {"path": "../../../terraform.core.bootstrap.tfstate"}}
    return changed


class FakeSynth:
    """Writes `stacks` as cdktf would (stacks/<name>/cdk.tf.json, then manifest.json)."""

    def __init__(self, stacks: dict[str, dict]) -> None:
        self.stacks = stacks
        self.calls: list[Path] = []

    def __call__(self, outdir: Path) -> None:
        self.calls.append(outdir)
        for name, document in self.stacks.items():
            path = outdir / "stacks" / name / "cdk.tf.json"
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps(document, indent=2))
        (outdir / "manifest.json").write_text(json.dumps({"stacks": sorted(self.stacks)}))


def guard(synth, tmp_path: Path, *, policy: Path = POLICY, bootstrap: bool = False, **extra: str) -> tuple[int, list[str]]:
    environ = {"CDKTF_OUTDIR": str(tmp_path / "cdktf.out"), "STACKGUARD_POLICY": str(policy), **extra}
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_app(synth, environ, bootstrap=bootstrap, stdout=stdout, stderr=stderr)
    said = stderr.getvalue().splitlines()
    passed = stdout.getvalue().splitlines()  # only the pass line goes to stdout
    assert all(line.startswith("stackguard synth guard: PASS: ") for line in passed)
    return code, said + passed


def written(tmp_path: Path) -> list[str]:
    return sorted(p.parent.name for p in (tmp_path / "cdktf.out/stacks").glob("*/cdk.tf.json"))


def no_staging_left(tmp_path: Path) -> bool:
    return [p.name for p in tmp_path.iterdir() if p.name.startswith(".cdktf.out.")] == []


def test_the_projects_own_synth_passes_and_lands_where_cdktf_reads(tmp_path):
    code, lines = guard(FakeSynth(pinned_stacks()), tmp_path)
    assert code == 0, lines
    assert len(lines) == 1 and lines[0].startswith("stackguard synth guard: PASS: 3 stack(s)")
    assert written(tmp_path) == ["confluent", "core", "demo"]
    assert (tmp_path / "cdktf.out/manifest.json").is_file()
    assert no_staging_left(tmp_path)


def test_a_nat_gateway_stops_the_app_and_nothing_reaches_cdktf(tmp_path):
    previous = tmp_path / "cdktf.out/stacks/demo/cdk.tf.json"
    previous.parent.mkdir(parents=True)
    previous.write_text("{}")  # an earlier synth: left exactly as it was
    code, lines = guard(FakeSynth(with_nat(pinned_stacks())), tmp_path)
    assert code == 1
    blockers = [line for line in lines if " BLOCKER " in line]
    assert blockers == [
        f"stackguard synth guard: BLOCKER forbidden-nat-gateway {NAT} [demo]: " + blockers[0].split(": ", 2)[2]
    ]
    assert "NAT" in blockers[0]
    assert lines[-1].startswith("stackguard synth guard: BLOCKED: 1 blocker(s) under policy")
    assert f"{SKIP_VARIABLE}=1" in lines[-1]
    assert previous.read_text() == "{}" and written(tmp_path) == ["demo"]
    assert not (tmp_path / "cdktf.out/manifest.json").exists()
    assert no_staging_left(tmp_path)


def test_a_waiver_in_the_policy_lets_it_through(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(
        POLICY.read_text()
        + f'\n[[waivers]]\nrule = "forbidden-nat-gateway"\nsubject = "{NAT}"\n'
        + 'justification = "Test: a waived NAT passes the synth guard."\n'
        + f"expires = {dt.date.today() + dt.timedelta(days=30)}\n"
    )
    code, lines = guard(FakeSynth(with_nat(pinned_stacks())), tmp_path, policy=policy)
    assert code == 0, lines
    assert written(tmp_path) == ["confluent", "core", "demo"]


def test_the_skip_variable_skips_loudly(tmp_path):
    code, lines = guard(FakeSynth(with_nat(pinned_stacks())), tmp_path, **{SKIP_VARIABLE: "1"})
    assert code == 0
    assert len(lines) == 1
    assert lines[0].startswith(f"stackguard synth guard: WARNING: SKIPPED ({SKIP_VARIABLE}=1)")
    assert "NOT checked" in lines[0]
    assert written(tmp_path) == ["confluent", "core", "demo"]


@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_a_skip_value_that_is_not_1_is_refused_before_synthesis(tmp_path, value):
    synth = FakeSynth(pinned_stacks())
    code, lines = guard(synth, tmp_path, **{SKIP_VARIABLE: value})
    assert code == 2 and synth.calls == []
    assert len(lines) == 1 and SKIP_VARIABLE in lines[0] and repr(value) in lines[0]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "policy file not found"),
        ("version = 1\nenvironment = 'dev_min'\nsurprise = 1\n", "surprise: unknown field"),
        ("not [ toml", "not valid TOML"),
    ],
)
def test_a_policy_that_cannot_load_lets_nothing_through(tmp_path, content, said):
    policy = tmp_path / "policy.toml"
    if content is not None:
        policy.write_text(content)
    synth = FakeSynth(pinned_stacks())
    code, lines = guard(synth, tmp_path, policy=policy)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("stackguard synth guard: error: ") and said in lines[0]
    assert synth.calls == [], "the 20 s synthesis never starts without a policy"
    assert not (tmp_path / "cdktf.out").exists()


def failing(exc: BaseException):
    def synthesize(outdir: Path) -> None:
        raise exc

    return synthesize


@pytest.mark.parametrize(
    ("exc", "code", "said"),
    [
        (ConfigError("platform.toml: budget.limit_usd: must be > 0"), 2, "budget.limit_usd"),
        (RuntimeError("jsii says no\nat line 2"), 3, "synthesis failed: jsii says no"),
        (KeyError("surprise"), 3, "unexpected KeyError"),
    ],
)
def test_a_failed_synthesis_is_one_line_and_never_a_pass(tmp_path, exc, code, said):
    got, lines = guard(failing(exc), tmp_path)
    assert got == code
    assert len(lines) == 1 and said in lines[0] and "Traceback" not in lines[0]
    assert not (tmp_path / "cdktf.out").exists() and no_staging_left(tmp_path)


def test_bootstrap_sets_aside_only_cores_local_backend(tmp_path):
    stacks = local_core_backend(pinned_stacks())
    code, lines = guard(FakeSynth(stacks), tmp_path / "plain")
    assert code == 1
    assert [line.split()[4:6] for line in lines if " BLOCKER " in line] == [["backend-type-mismatch", "core:terraform.backend"]]

    code, lines = guard(FakeSynth(stacks), tmp_path / "boot", bootstrap=True)
    assert code == 0, lines
    assert "set aside" in lines[0] and "backend-type-mismatch core:terraform.backend" in lines[0]
    assert lines[-1].startswith("stackguard synth guard: PASS")

    code, lines = guard(FakeSynth(with_nat(stacks)), tmp_path / "boot-nat", bootstrap=True)
    assert code == 1, "bootstrap sets aside the backend, nothing else"
    assert [line.split()[4] for line in lines if " BLOCKER " in line] == ["forbidden-nat-gateway"]


# The launcher cdktf.json names: the project's Python without an activated virtualenv.

LAUNCHER = REPO_ROOT / "scripts/cdktf-app"


def test_cdktf_json_runs_the_launcher():
    assert json.loads((REPO_ROOT / "cdktf.json").read_text())["app"] == "sh scripts/cdktf-app"


@pytest.fixture
def project(tmp_path) -> Path:
    """A project root holding the launcher and a main.py that says which Python ran it."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(LAUNCHER, tmp_path / "scripts/cdktf-app")
    (tmp_path / "main.py").write_text("import os\nprint('ran by', os.environ.get('WHICH'))\n")
    tools = tmp_path / "tools"  # a PATH with no Python on it
    tools.mkdir()
    os.symlink(shutil.which("dirname"), tools / "dirname")
    return tmp_path


def python_named(path: Path, which: str) -> Path:
    """A python at `path` (this interpreter, so the project's dependencies are there) that
    tells main.py who it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nWHICH={which} exec {sys.executable} "$@"\n')
    path.chmod(0o755)
    return path


def launch(project: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(project / "tools"), "HOME": str(project), **environ}
    return subprocess.run(
        ["/bin/sh", "scripts/cdktf-app"], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_launcher_says_what_is_needed_without_a_python(project):
    result = launch(project)
    assert result.returncode == 3
    assert result.stderr.startswith("error: no Python 3.11+ with the project installed") and "make install" in result.stderr
    assert result.stdout == ""


def test_the_launcher_finds_the_projects_venv(project):
    python_named(project / ".venv/bin/python", "venv")
    result = launch(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran by venv"


def test_the_launcher_refuses_a_venv_without_the_project(project):
    venv = project / ".venv/bin/python"
    venv.parent.mkdir(parents=True)
    venv.write_text("#!/bin/sh\nexit 1\n")
    venv.chmod(0o755)
    result = launch(project)
    assert result.returncode == 3 and "make install" in result.stderr


def test_the_launcher_prefers_stackguard_python_then_the_active_virtualenv(project):
    python_named(project / ".venv/bin/python", "venv")
    active = python_named(project / "active/bin/python", "active")
    chosen = python_named(project / "chosen/python", "chosen")
    assert launch(project, VIRTUAL_ENV=str(active.parent.parent)).stdout.strip() == "ran by active"
    both = launch(project, VIRTUAL_ENV=str(active.parent.parent), STACKGUARD_PYTHON=str(chosen))
    assert both.stdout.strip() == "ran by chosen"

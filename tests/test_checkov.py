"""checkov on the synthesized stacks: every failed check is fixed or justified in
checkov-skips.toml, and every listed skip is still needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SKIP_FILE = REPO_ROOT / "checkov-skips.toml"


def checkov_executable() -> str:
    """checkov lives in its own virtualenv (its pins clash with ours); `make` creates it."""
    for candidate in (
        os.environ.get("CHECKOV_BIN"),
        str(REPO_ROOT / ".venv-checkov/bin/checkov"),
        shutil.which("checkov"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("checkov not found: run `make checkov` or set CHECKOV_BIN")


def accepted_skips() -> set[tuple[str, str]]:
    skips = tomllib.loads(SKIP_FILE.read_text())["skip"]
    for skip in skips:
        reason = skip["reason"].strip()
        assert reason and "\n" not in reason, f"{skip['check']}: one-line reason required"
    return {(skip["check"], subject) for skip in skips for subject in skip["subjects"]}


def failed_checks(outdir: Path) -> set[tuple[str, str]]:
    result = subprocess.run(
        [
            checkov_executable(),
            "--directory", str(outdir),
            "--framework", "terraform_json",
            "--skip-download",  # no network: never fetch guidelines or policies
            "--quiet", "--compact", "--output", "json",
        ],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert any(report["summary"]["passed"] for report in reports), "checkov scanned nothing"
    failed = set()
    for report in reports:
        for check in report["results"]["failed_checks"]:
            stack = Path(check["file_path"]).parent.name
            logical_name = check["resource"].rsplit(".", 1)[-1]
            failed.add((check["check_id"], f"{stack}/{logical_name}"))
    return failed


def test_every_checkov_failure_is_fixed_or_justified(synth_dir):
    failed = failed_checks(synth_dir)
    skips = accepted_skips()
    assert sorted(failed - skips) == [], "fix these or justify them in checkov-skips.toml"
    assert sorted(skips - failed) == [], "these skips are no longer needed: remove them"

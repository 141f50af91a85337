"""How the check commands and `report` print: the text report laid out for the terminal
(width, colour, NO_COLOR, --no-color, --quiet, --all), the machine formats byte for byte on
stdout and in a whole --output file."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from unittest import mock

import pytest

from stackguard.report import render, text
from tests.conftest import corpus_file
from tests.report.conftest import BLOCKER_SUBJECTS, MIXED_FINDINGS, WAIVED_SUBJECTS, make_snapshot

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
SUBJECTS = {f.subject for f in MIXED_FINDINGS}
PLAN_WITH_NATS = "tfcompliance__tests_functional_test_issue-158_plan.out.json"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, tty: bool) -> tuple[int, str, str]:
    """The entry point in this process, stdout a terminal (or not) of $COLUMNS columns."""
    from stackguard.cli import run as cli_main

    stdout, stderr = (Terminal() if tty else io.StringIO()), io.StringIO()
    with mock.patch.object(sys, "argv", ["stackguard", *args]):
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            with pytest.raises(SystemExit) as exited:
                cli_main()
    return exited.value.code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def snapshot_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    path = tmp_path / "synth_snapshot.json"
    path.write_text(make_snapshot(MIXED_FINDINGS).to_json(), encoding="utf-8")
    return path


def too_wide(output: str, width: int) -> list[str]:
    """Lines wider than `width`, but for a subject alone on its line (never cut)."""
    return [line for line in ESCAPE.sub("", output).splitlines() if len(line) > width and line.strip() not in SUBJECTS]


def test_on_an_80_column_terminal_the_text_fits_and_is_coloured(snapshot_file):
    code, out, err = run("report", str(snapshot_file), tty=True)
    assert code == 0 and err == ""
    assert ESCAPE.search(out)
    assert too_wide(out, 80) == []
    assert ESCAPE.sub("", out) == text.render(make_snapshot(MIXED_FINDINGS), width=80)


def test_no_color_and_its_option_are_respected(snapshot_file, monkeypatch):
    _, out, _ = run("report", str(snapshot_file), "--no-color", tty=True)
    assert not ESCAPE.search(out) and too_wide(out, 80) == []
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run("report", str(snapshot_file), tty=True)
    assert not ESCAPE.search(out)


def test_without_a_terminal_the_text_is_plain_and_takes_columns_or_100(snapshot_file, monkeypatch):
    _, out, _ = run("report", str(snapshot_file), tty=False)
    assert not ESCAPE.search(out) and too_wide(out, 80) == []
    monkeypatch.delenv("COLUMNS")
    _, out, _ = run("report", str(snapshot_file), tty=False)
    assert out == text.render(make_snapshot(MIXED_FINDINGS), width=text.DEFAULT_WIDTH)


def test_quiet_shows_blockers_only(snapshot_file):
    _, out, _ = run("report", str(snapshot_file), "--quiet", tty=True)
    plain = ESCAPE.sub("", out)
    assert all(subject in plain for subject in BLOCKER_SUBJECTS)
    assert not any(subject in plain for subject in WAIVED_SUBJECTS)


def test_the_output_file_holds_the_text_without_colour(snapshot_file, tmp_path):
    _, out, _ = run("report", str(snapshot_file), "--output", str(tmp_path / "r" / "report.txt"), tty=True)
    written = (tmp_path / "r" / "report.txt").read_text(encoding="utf-8")
    assert ESCAPE.search(out) and written == ESCAPE.sub("", out)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown"])
def test_machine_formats_are_written_byte_for_byte_even_on_a_terminal(snapshot_file, tmp_path, fmt):
    from stacks.config import load_config

    # SARIF links its rules to the docs of the configuration's repository.
    repository = load_config().ci.github_repository
    expected = render(make_snapshot(MIXED_FINDINGS), fmt, github_repository=repository)
    output = tmp_path / "out" / f"report.{fmt}"
    code, out, err = run("report", str(snapshot_file), "--format", fmt, "--output", str(output), "--all", tty=True)
    assert (code, err) == (0, "")
    assert out == (expected if expected.endswith("\n") else expected + "\n")
    assert output.read_bytes() == expected.encode("utf-8")
    assert [p.name for p in output.parent.iterdir()] == [output.name], "no temporary file left behind"


def test_an_output_file_that_cannot_be_written_is_one_line_exit_2(snapshot_file, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    code, out, err = run("report", str(snapshot_file), "--format", "json", "--output", str(blocked / "report.json"), tty=False)
    assert code == 2 and out == ""
    assert err.startswith("error: --output ") and err.count("\n") == 1


def test_check_plan_text_all_and_quiet(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    plan = corpus_file(PLAN_WITH_NATS)
    code, out, err = run("check", "plan", str(plan), "--evidence-dir", str(tmp_path), "--quiet", "--all", tty=True)
    assert code == 1
    plain = ESCAPE.sub("", out)
    assert all(f"module.vpc.aws_nat_gateway.this[{i}]" in plain for i in range(3))
    assert "PASS check" not in plain and plain.splitlines()[-1].startswith("BLOCKED")
    assert too_wide(plain, 80) == [] or all("module." in line for line in too_wide(plain, 80))
    assert err.startswith("snapshot: ")

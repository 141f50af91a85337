"""Progress lines on stderr: plain lines off a terminal, the time per step at one, nothing
without a reporter, and a failed step marked as such."""

from __future__ import annotations

import io
import itertools
import re
import time

import pytest
import typer
from rich.console import Console

from stackguard import progress


def console(*, terminal: bool) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, width=80, color_system=None)


def ended(steps: progress.Steps) -> list[str]:
    """The step lines left on the screen: control sequences and the spinner's frames dropped."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", steps.console.file.getvalue())
    return [line for line in re.split(r"[\r\n]", text) if line.startswith(("✓", "✗"))]


def ticking(*times: float):
    clock = itertools.chain(times, itertools.repeat(times[-1]))
    return lambda: next(clock)


def test_off_a_terminal_each_step_is_one_plain_line_when_it_starts():
    steps = progress.Steps(console(terminal=False))
    with progress.reporting(steps):
        for name in ("synth", "init", "init", "plan"):
            progress.step(name)
        progress.note("terraform output: runs/terraform.log")
    assert steps.console.file.getvalue() == (
        "step: synth\nstep: init\nstep: plan\nterraform output: runs/terraform.log\n"
    )


def test_at_a_terminal_each_step_ends_with_the_time_it_took():
    steps = progress.Steps(console(terminal=True), clock=ticking(0.0, 1.5, 1.5, 4.25, 10.0))
    with progress.reporting(steps):
        progress.step("synth")
        progress.step("plan")
        progress.finish()  # before the prompt: nothing is left running under it
        progress.step("apply")
    assert ended(steps) == ["✓ synth     1.5s", "✓ plan      2.8s", "✓ apply     0.0s"]


def test_the_step_an_error_stopped_is_marked_failed_and_an_exit_is_not_a_failure():
    steps = progress.Steps(console(terminal=True), clock=ticking(0.0, 3.0))
    with pytest.raises(RuntimeError), progress.reporting(steps):
        progress.step("init")
        raise RuntimeError("terraform init failed")
    assert ended(steps) == ["✗ init      3.0s"]
    steps = progress.Steps(console(terminal=True), clock=ticking(0.0, 1.0))
    with pytest.raises(typer.Exit), progress.reporting(steps):
        progress.step("guards")
        raise typer.Exit(1)
    assert ended(steps) == ["✓ guards    1.0s"]


def test_without_a_reporter_nothing_is_printed(capsys):
    progress.step("synth")
    progress.note("terraform output: x")
    progress.finish()
    assert capsys.readouterr() == ("", "")


def test_waiting_says_nothing_when_done_before_the_delay():
    screen = console(terminal=False)
    with progress.waiting("synthesizing", expected="about 20 s", console=screen, delay=5):
        pass
    assert screen.file.getvalue() == ""


def test_waiting_off_a_terminal_is_one_plain_line_after_the_delay():
    screen = console(terminal=False)
    with progress.waiting("synthesizing", expected="about 20 s", console=screen, delay=0.05):
        time.sleep(0.3)
    assert screen.file.getvalue() == "synthesizing ... (about 20 s)\n"


def test_waiting_at_a_terminal_spins_with_the_seconds_and_clears_its_line():
    screen = console(terminal=True)
    with progress.waiting("synthesizing", expected="about 20 s", console=screen, delay=0.05, clock=ticking(0, 7)):
        time.sleep(0.4)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.file.getvalue())
    assert "synthesizing (about 20 s) 7 s" in shown
    assert screen.file.getvalue().endswith("\x1b[2K")  # transient: the line is erased at the end


def test_waiting_stops_its_spinner_when_the_work_fails():
    screen = console(terminal=True)
    with pytest.raises(RuntimeError):
        with progress.waiting("synthesizing", expected="about 20 s", console=screen, delay=0.01):
            time.sleep(0.1)
            raise RuntimeError("jsii")
    before = screen.file.getvalue()
    time.sleep(0.3)
    assert screen.file.getvalue() == before  # nothing refreshes after the end

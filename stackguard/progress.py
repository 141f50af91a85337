"""Progress lines on stderr while an operator lane runs: which step is under way, and on a
terminal how long each took.

Ambient, like a logger: the command line installs a `Steps` reporter for the run
(`reporting`); the lanes and the terraform wrapper only say where a step starts (`step`)
and what to tell the operator (`note`). A step ends where the next starts, or at `finish`
(the command line calls it before it prints a summary or asks for confirmation). With no
reporter installed (library use, most tests) nothing is printed. Presentation only: nothing
a lane decides depends on it, and nothing is ever written to stdout, so `--format json`
stays machine-clean.

At a terminal a spinner with the elapsed time runs while a step does, and each step ends as
`✓ plan  4.2s` (or `✗` when it failed); elsewhere each step is one plain line when it starts
(`step: plan`), with no times, so CI logs stay diffable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import typer
from rich.console import Console
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

#: The steps the lanes mark, in order (teardown reads its backend between synth and init;
#: core's bootstrap moves its state into the bucket between apply and verify).
STEPS = ("preflight", "synth", "backend", "init", "plan", "guards", "apply", "migrate", "verify")


class Steps:
    """Step lines on one console (stderr); the clock is injectable for tests."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.clock = clock
        self.current: str | None = None
        self.started = 0.0
        self.spinner: Progress | None = None

    @property
    def live(self) -> bool:
        return self.console.is_terminal

    def _print(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def step(self, name: str) -> None:
        """`name` starts now; the step before it (if any) has ended well."""
        if name == self.current:
            return
        self.finish()
        self.current, self.started = name, self.clock()
        if not self.live:
            self._print(f"step: {name}")
            return
        self.spinner = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=self.console, transient=True, redirect_stdout=False, redirect_stderr=False,
        )
        self.spinner.add_task(name, total=None)
        self.spinner.start()

    def finish(self, *, failed: bool = False) -> None:
        """End the open step: at a terminal, its line with the time it took."""
        if self.current is None:
            return
        if self.spinner is not None:
            self.spinner.stop()
            self.spinner = None
        if self.live:
            self._print(f"{'✗' if failed else '✓'} {self.current:<9} {self.clock() - self.started:.1f}s")
        self.current = None

    def note(self, text: str) -> None:
        self._print(text)


_reporter: ContextVar[Steps | None] = ContextVar("stackguard_progress", default=None)


@contextmanager
def reporting(steps: Steps) -> Iterator[Steps]:
    """Install `steps` for the run; the open step ends with it (failed, on an exception
    other than an exit: `typer.Exit` ends a command the normal way)."""
    token = _reporter.set(steps)
    try:
        yield steps
    except BaseException as exc:
        steps.finish(failed=not isinstance(exc, (SystemExit, typer.Exit)))
        raise
    else:
        steps.finish()
    finally:
        _reporter.reset(token)


def step(name: str) -> None:
    if (steps := _reporter.get()) is not None:
        steps.step(name)


def finish() -> None:
    if (steps := _reporter.get()) is not None:
        steps.finish()


def note(text: str) -> None:
    if (steps := _reporter.get()) is not None:
        steps.note(text)


class _SinceStart(ProgressColumn):
    """Seconds since the wait began (the spinner itself appears only after the delay)."""

    def __init__(self, clock: Callable[[], float], began: float) -> None:
        super().__init__()
        self.clock, self.began = clock, began

    def render(self, task: Task) -> Text:
        return Text(f"{self.clock() - self.began:.0f} s")


@contextmanager
def waiting(
    text: str,
    *,
    expected: str,
    console: Console,
    delay: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[None]:
    """Say on `console` (stderr) that something slow is under way, once it has taken longer
    than `delay` seconds; nothing at all when it is done sooner. At a terminal a spinner
    with the seconds so far, cleared when it ends; elsewhere one plain line,
    `synthesizing ... (about 20 s)`, so CI logs show why nothing else moves.

    Independent of the `Steps` reporter: a command that installs none (`stackguard synth`,
    `stackguard estimate`) still tells its user why it is quiet."""
    began = clock()
    lock = threading.Lock()
    state: dict[str, Progress | bool] = {"done": False}

    def appear() -> None:
        with lock:
            if state["done"]:
                return
            if not console.is_terminal:
                console.print(f"{text} ... ({expected})", markup=False, highlight=False, soft_wrap=True)
                return
            spinner = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), _SinceStart(clock, began),
                console=console, transient=True, redirect_stdout=False, redirect_stderr=False,
            )
            spinner.add_task(f"{text} ({expected})", total=None)
            spinner.start()
            state["spinner"] = spinner

    timer = threading.Timer(delay, appear)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            spinner = state.get("spinner")
            if isinstance(spinner, Progress):
                spinner.stop()

"""Run a command and report its wall time and its own peak resident memory."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str


def measure(command: list[str], *, env: dict[str, str] | None = None, stdout_file: Path | None = None) -> Measurement:
    """`os.wait4` gives the rusage of exactly this child, so peaks never mix. With
    `stdout_file`, stdout goes there (as `> file` would) and `stdout` is empty."""
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull, open(stdout_file or os.devnull, "w") as sink:
        target = sink if stdout_file is not None else subprocess.PIPE
        process = subprocess.Popen(command, stdout=target, stderr=devnull, env=env, text=True)
        stdout = process.stdout.read() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return Measurement(seconds, usage.ru_maxrss / 1024, process.returncode, stdout)

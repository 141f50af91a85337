"""Output at scale: `stackguard check plan` on 10,000 resources with 10,000 blockers, per format.

The plan is benchmarks/generate_plan.py's without lifecycle tags, so every resource is a
`lifecycle-tag-missing` blocker (and the NAT gateways and load balancers theirs). Measures
`--format json > file`, `sarif > file`, `text > file`, `text --all > file` and text on an
80-column pseudo-terminal, each beside checkov on the same plan (with the one custom check
of bench_guards) when it is there; `--before DIR` also runs the stackguard found in DIR
(another checkout, through PYTHONPATH) for figures from before a change. Prints figures and
ratios measured in one run; asserts nothing about time.

    .venv/bin/python -m benchmarks.bench_output [--checkov .venv-checkov/bin/checkov] [--size 10000] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.bench_guards import ROOT, run_checkov
from benchmarks.generate_plan import write
from benchmarks.measure import measure


def on_a_terminal(command: list[str], env: dict[str, str]) -> float:
    """Wall time with stdout a pseudo-terminal of 80 columns, drained as a terminal would."""
    primary, secondary = pty.openpty()
    drained = threading.Thread(target=_drain, args=(primary,), daemon=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=secondary, stderr=subprocess.DEVNULL, env={**env, "COLUMNS": "80"})
    os.close(secondary)
    drained.start()
    process.wait()
    seconds = time.perf_counter() - started
    drained.join(timeout=5)
    os.close(primary)
    return seconds


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal closed
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stackguard", default=shutil.which("stackguard") or str(ROOT / ".venv/bin/stackguard"))
    parser.add_argument("--checkov", default=str(ROOT / ".venv-checkov/bin/checkov"))
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--policy", default=str(ROOT / "policy.toml"))
    parser.add_argument("--before", type=Path, help="a checkout whose stackguard to time as well (PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        plan = write(args.size, work / "plan.json", tagged=False)
        print(f"plan: {args.size:,} resources without lifecycle tags, {plan.stat().st_size / 2**20:.1f} MB", flush=True)
        versions = {"now": {**os.environ}}
        if args.before:
            versions["before"] = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
        rows: list[tuple[str, float]] = []
        for version, env in versions.items():
            env = {key: value for key, value in env.items() if key not in ("NO_COLOR", "COLUMNS")}
            base = [args.stackguard, "check", "plan", str(plan), "--policy", args.policy, "--evidence-dir", str(work / "ev")]
            for name, extra in [("json", ["--format", "json"]), ("sarif", ["--format", "sarif"]),
                                ("text", ["--format", "text"]), ("text --all", ["--format", "text", "--all"])]:
                if version == "before" and "--all" in extra:
                    continue  # no such option before
                result = measure([*base, *extra], env=env, stdout_file=work / "out")
                if result.returncode != 1:
                    raise SystemExit(f"stackguard ({version}) exit {result.returncode} for {name}: expected 1 (blockers)")
                label = f"{version}: {name} > file ({(work / 'out').stat().st_size / 2**10:,.0f} KiB)"
                rows.append((label, result.seconds))
                print(f"  {label:<44} {result.seconds:>6.2f} s", flush=True)
            seconds = on_a_terminal([*base, "--format", "text"], env)
            rows.append((f"{version}: text on an 80-column terminal", seconds))
            print(f"  {rows[-1][0]:<44} {seconds:>6.2f} s", flush=True)
        checkov = None
        if Path(args.checkov).exists():
            checkov, _ = run_checkov(args.checkov, plan)
            print(f"  {'checkov -o json (one custom check)':<44} {checkov.seconds:>6.2f} s", flush=True)
        json_now = rows[0][1]
        print("ratios (one run):")
        for label, seconds in rows:
            line = f"  {label:<44} {seconds / json_now:>5.2f}x now's json"
            if checkov:
                line += f"; checkov takes {checkov.seconds / seconds:>5.1f}x as long"
            print(line)


if __name__ == "__main__":
    main()

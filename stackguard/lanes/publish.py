"""Lanes publish their evidence on their own, when asked to and the bucket can be reached.

Opt-in through `STACKGUARD_PUBLISH_EVIDENCE=1` so local runs and tests stay offline.
Publication never changes a lane's exit code (the lane's verdict is its findings'), and
never fails silently: whatever stopped it is one warning line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from stacks.config import ConfigError

if TYPE_CHECKING:
    from evidence.publish import PublishedRun
    from stacks.config import PlatformConfig

PUBLISH_ENV_VAR = "STACKGUARD_PUBLISH_EVIDENCE"
WARNING = "warning: evidence not published: "


def publishing_requested(environ: Mapping[str, str]) -> bool:
    value = environ.get(PUBLISH_ENV_VAR, "")
    if value not in ("", "0", "1"):
        raise ConfigError(f"{PUBLISH_ENV_VAR} must be 1 (or unset), not {value!r}")
    return value == "1"


def publish_if_configured(
    run_dir: Path, *, config_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Publish a lane's run directory to the configured evidence bucket, under that lane's
    own index, so every lane of a run that shares its run id gets in.

    Returns the lines for stderr: what was published, one warning, or nothing when
    publication is not switched on.
    """
    import boto3

    from evidence.publish import publish_run
    from evidence.store import EvidenceError
    from foundation.errors import StackguardError
    from stacks.config import load_config

    try:
        if not publishing_requested(os.environ if environ is None else environ):
            return []
        config = load_config(config_file)
        published = publish_run(
            boto3.Session(region_name=config.region),
            bucket=config.evidence.bucket,
            run_dir=run_dir,
            region=config.region,
        )
    except (ConfigError, EvidenceError, StackguardError) as exc:
        return [f"{WARNING}{exc}"]
    return [f"published {line}" for line in published.report_lines()]


def evidence_bucket(config: PlatformConfig, bucket: str | None) -> str:
    """`--bucket`, validated as the configuration's `evidence.bucket` is; else that one."""
    from pydantic import ValidationError

    from stacks.config import EvidenceConfig

    if bucket is None:
        return config.evidence.bucket
    try:
        return EvidenceConfig(bucket=bucket).bucket
    except ValidationError as exc:
        raise ConfigError(f"--bucket {bucket!r}: {exc.errors()[0]['msg']}") from None


def publish_directory(
    run_dir: Path, *, config_file: Path | None, bucket: str | None, run_id: str | None
) -> PublishedRun:
    """`stackguard evidence publish`: one run's snapshots, then each lane's index."""
    import boto3

    from evidence.publish import publish_run
    from stacks.config import load_config

    config = load_config(config_file)
    return publish_run(
        boto3.Session(region_name=config.region),
        bucket=evidence_bucket(config, bucket),
        run_dir=run_dir,
        region=config.region,
        run_id=run_id,
    )

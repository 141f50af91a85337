"""Who made a snapshot and when: tool version, git sha, UTC time, run id."""

from __future__ import annotations

import datetime as dt
import secrets
import subprocess
from pathlib import Path

from foundation.clock import utc_now


def new_run_id(moment: dt.datetime | None = None) -> str:
    """Sortable by time, unique across parallel CI jobs: `20261123T030201Z-a1b2c3`."""
    moment = moment or utc_now()
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def git_sha(directory: Path | None = None) -> str | None:
    """The checked-out commit, or None outside a git checkout (never an error)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = result.stdout.strip()
    return sha if result.returncode == 0 and len(sha) == 40 else None

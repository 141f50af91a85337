"""sha256 of bytes and of files, as every snapshot records its inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def bytes_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """Streamed, so a large plan file is never held in memory twice."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()

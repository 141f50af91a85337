"""Where published evidence lives in the evidence bucket, and the index that commits a run.

Pure: names and documents only, no I/O.

    evidence/<env>/<lane>/<run_id>/<lane>_snapshot.json   one object per snapshot
    evidence/<env>/runs/<run_id>/index.json               written last: the commit marker

A run without its index is incomplete (its publication did not finish) and never counts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evidence.store import SNAPSHOT_SUFFIX, EvidenceError

ROOT = "evidence"
RUNS = "runs"  # the index's folder beside the lane folders, so no lane may be called this
INDEX_NAME = "index.json"
INDEX_SCHEMA_VERSION = 1

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_EVIDENCE_URL = re.compile(
    r"s3://(?P<bucket>[^/]+)/evidence/(?P<environment>[^/]+)(?:/runs/(?P<run_id>[^/]+))?/?"
)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_segment(value: str, what: str) -> str:
    """A value that becomes one folder of a key: no slashes, dots-only or empty names."""
    if not _SEGMENT.fullmatch(value):
        raise EvidenceError(
            f"{what} {value!r} cannot name an evidence folder (letters, digits, '.', '_', '-')"
        )
    return value


def snapshot_key(environment: str, lane: str, run_id: str) -> str:
    if lane == RUNS:
        raise EvidenceError(f"lane {lane!r} is reserved for run indexes in the evidence bucket")
    env, run = key_segment(environment, "environment"), key_segment(run_id, "run id")
    return f"{ROOT}/{env}/{key_segment(lane, 'lane')}/{run}/{lane}{SNAPSHOT_SUFFIX}"


def index_key(environment: str, run_id: str) -> str:
    env, run = key_segment(environment, "environment"), key_segment(run_id, "run id")
    return f"{ROOT}/{env}/{RUNS}/{run}/{INDEX_NAME}"


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot key says about its object, to be checked against the object itself."""

    environment: str
    lane: str
    run_id: str


def parse_snapshot_key(key: str) -> SnapshotKey | None:
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != ROOT or parts[2] == RUNS:
        return None
    if parts[4] != f"{parts[2]}{SNAPSHOT_SUFFIX}":
        return None
    return SnapshotKey(environment=parts[1], lane=parts[2], run_id=parts[3])


def parse_index_key(key: str) -> tuple[str, str] | None:
    """(environment, run_id) of an index key, or None."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != ROOT or parts[2] != RUNS or parts[4] != INDEX_NAME:
        return None
    return parts[1], parts[3]


class IndexEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class RunIndex(BaseModel):
    """Every object of one published run with its sha256 and size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = INDEX_SCHEMA_VERSION
    environment: str
    run_id: str
    objects: list[IndexEntry] = Field(min_length=1)

    @field_validator("objects")
    @classmethod
    def _sorted(cls, objects: list[IndexEntry]) -> list[IndexEntry]:
        return sorted(objects, key=lambda entry: entry.key)

    def to_json(self) -> str:
        """Sorted keys and objects, a trailing newline: byte-stable for one run."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2) + "\n"


@dataclass(frozen=True)
class EvidencePrefix:
    """A verdict's remote input: one environment's evidence, or one run of it."""

    bucket: str
    environment: str
    run_id: str | None

    @property
    def url(self) -> str:
        run = f"{RUNS}/{self.run_id}/" if self.run_id else ""
        return f"s3://{self.bucket}/{ROOT}/{self.environment}/{run}"


def is_s3_url(text: str) -> bool:
    return text.startswith("s3://")


def parse_evidence_url(url: str) -> EvidencePrefix:
    match = _EVIDENCE_URL.fullmatch(url)
    if not match:
        raise EvidenceError(
            f"{url}: expected s3://BUCKET/evidence/ENV/ or s3://BUCKET/evidence/ENV/runs/RUN_ID/"
        )
    run_id = match["run_id"]
    return EvidencePrefix(
        bucket=match["bucket"],
        environment=key_segment(match["environment"], "environment"),
        run_id=key_segment(run_id, "run id") if run_id is not None else None,
    )

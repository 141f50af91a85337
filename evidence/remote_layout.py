"""Where published evidence lives in the evidence bucket, and the index that commits a lane's run.

Pure: names and documents only, no I/O.

    evidence/<env>/<lane>/<run_id>/<lane>_snapshot.json   the lane's snapshot
    evidence/<env>/<lane>/<run_id>/index.json             written last: the commit marker

One index per lane and run, because lanes of one CI run share its run id and publish on
their own. A lane's run without its index is incomplete (its publication did not finish)
and never counts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evidence.store import SNAPSHOT_SUFFIX, EvidenceError

ROOT = "evidence"
INDEX_NAME = "index.json"
INDEX_SCHEMA_VERSION = 2  # 2: one index per lane and run, naming its lane

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_EVIDENCE_URL = re.compile(
    r"s3://(?P<bucket>[^/]+)/evidence/(?P<environment>[^/]+)(?:/(?P<lane>[^/]+)/(?P<run_id>[^/]+))?/?"
)


def key_segment(value: str, what: str) -> str:
    """A value that becomes one folder of a key: no slashes, dots-only or empty names."""
    if not _SEGMENT.fullmatch(value):
        raise EvidenceError(
            f"{what} {value!r} cannot name an evidence folder (letters, digits, '.', '_', '-')"
        )
    return value


@dataclass(frozen=True, order=True)
class LaneRun:
    """One lane's run in one environment: the unit that is published and committed at once."""

    environment: str
    lane: str
    run_id: str

    @property
    def folder(self) -> str:
        env = key_segment(self.environment, "environment")
        return f"{ROOT}/{env}/{key_segment(self.lane, 'lane')}/{key_segment(self.run_id, 'run id')}"

    @property
    def name(self) -> str:
        return f"{self.environment}/{self.lane}/{self.run_id}"


def snapshot_key(environment: str, lane: str, run_id: str) -> str:
    return f"{LaneRun(environment, lane, run_id).folder}/{lane}{SNAPSHOT_SUFFIX}"


def index_key(environment: str, lane: str, run_id: str) -> str:
    return f"{LaneRun(environment, lane, run_id).folder}/{INDEX_NAME}"


def _split(key: str) -> tuple[LaneRun, str] | None:
    """A key below a lane's run folder, as (lane run, file name); None for any other key."""
    parts = key.split("/")
    if len(parts) != 5 or parts[0] != ROOT:
        return None
    return LaneRun(environment=parts[1], lane=parts[2], run_id=parts[3]), parts[4]


def parse_snapshot_key(key: str) -> LaneRun | None:
    """What a snapshot key says about its object, to be checked against the object itself."""
    found = _split(key)
    return found[0] if found and found[1] == f"{found[0].lane}{SNAPSHOT_SUFFIX}" else None


def parse_index_key(key: str) -> LaneRun | None:
    found = _split(key)
    return found[0] if found and found[1] == INDEX_NAME else None


class IndexEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class RunIndex(BaseModel):
    """Every object of one lane's published run with its sha256 and size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = INDEX_SCHEMA_VERSION
    environment: str
    lane: str
    run_id: str
    objects: list[IndexEntry] = Field(min_length=1)

    @field_validator("objects")
    @classmethod
    def _sorted(cls, objects: list[IndexEntry]) -> list[IndexEntry]:
        return sorted(objects, key=lambda entry: entry.key)

    def to_json(self) -> str:
        """Sorted keys and objects, a trailing newline: byte-stable for one lane's run."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2) + "\n"

    @property
    def lane_run(self) -> LaneRun:
        return LaneRun(self.environment, self.lane, self.run_id)


@dataclass(frozen=True)
class EvidencePrefix:
    """A verdict's remote input: one environment's evidence, or one lane's run of it."""

    bucket: str
    environment: str
    lane_run: LaneRun | None = None

    @property
    def url(self) -> str:
        if self.lane_run is not None:
            return f"s3://{self.bucket}/{self.lane_run.folder}/"
        return f"s3://{self.bucket}/{ROOT}/{self.environment}/"


def is_s3_url(text: str) -> bool:
    return text.startswith("s3://")


def parse_evidence_url(url: str) -> EvidencePrefix:
    match = _EVIDENCE_URL.fullmatch(url)
    if not match:
        raise EvidenceError(
            f"{url}: expected s3://BUCKET/evidence/ENV/ or s3://BUCKET/evidence/ENV/LANE/RUN_ID/"
        )
    environment = key_segment(match["environment"], "environment")
    lane_run = None
    if match["lane"] is not None:
        lane, run_id = key_segment(match["lane"], "lane"), key_segment(match["run_id"], "run id")
        lane_run = LaneRun(environment, lane, run_id)
    return EvidencePrefix(bucket=match["bucket"], environment=environment, lane_run=lane_run)

"""The evidence snapshot every lane writes. `overall_pass` and `blockers` are derived from
the findings, never set by hand, and serialization is deterministic."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from foundation.names import check_segment
from guards.findings import Finding
from guards.waivers import AppliedWaiver

SCHEMA_VERSION = 1


class Blocker(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    subject: str
    stack: str | None
    message: str


class Snapshot(BaseModel):
    """One lane's evidence for one run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SCHEMA_VERSION
    lane: str
    run_id: str
    environment: str
    started_at: dt.datetime
    finished_at: dt.datetime
    policy_digest: str
    input_digests: dict[str, str]
    tool_version: str
    git_sha: str | None
    findings: list[Finding]
    waivers_applied: list[AppliedWaiver] = []
    details: dict[str, Any] = Field(
        default_factory=dict, description="Lane-specific facts, e.g. data_as_of and query windows."
    )

    @field_validator("lane", "run_id", "environment")
    @classmethod
    def _one_path_segment(cls, value: str) -> str:
        return check_segment(value, "name")

    @field_validator("findings")
    @classmethod
    def _sorted(cls, findings: list[Finding]) -> list[Finding]:
        return sorted(findings, key=Finding.sort_key)

    @field_validator("started_at", "finished_at")
    @classmethod
    def _utc(cls, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() != dt.timedelta(0):
            raise ValueError("must be a UTC time")
        return moment

    @computed_field  # type: ignore[prop-decorator]
    @property
    def blockers(self) -> list[Blocker]:
        return [
            Blocker(code=f.code, subject=f.subject, stack=f.stack, message=f.message)
            for f in self.findings
            if f.blocks
        ]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overall_pass(self) -> bool:
        return not self.blockers

    def to_json(self) -> str:
        """Sorted keys, sorted findings, a trailing newline: byte-stable for one input."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2) + "\n"

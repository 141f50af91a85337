"""Facts the live collectors gather besides resources: backend readiness, locks, spend.

Collectors (boto3, HTTP) fill these in; rules judge them as pure functions, exactly as
they judge resources. Every record says where it came from so a finding can name it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from guards.findings import Finding


@dataclass(slots=True, frozen=True)
class BucketFacts:
    name: str
    exists: bool
    versioning: str | None = None  # "Enabled", "Suspended" or None (never enabled)
    default_encryption: str | None = None  # "aws:kms", "AES256", ... None when off
    public_access_block: dict[str, bool] = field(default_factory=dict)  # the four settings


@dataclass(slots=True, frozen=True)
class TableFacts:
    name: str
    exists: bool
    status: str | None = None  # "ACTIVE", "CREATING", ...
    hash_key: tuple[str, str] | None = None  # (attribute name, attribute type)


@dataclass(slots=True, frozen=True)
class LockProbe:
    """Our own lock item, taken, contended and released under a unique LockID."""

    lock_id: str
    acquired: bool
    second_write_refused: bool
    released: bool
    detail: str = ""


@dataclass(slots=True, frozen=True)
class HeldLock:
    """Terraform's lock item for a stack's state path, found in the lock table."""

    stack: str
    lock_id: str
    who: str | None
    created: str | None
    operation: str | None


@dataclass(slots=True, frozen=True)
class StateDigest:
    """The state object's MD5 against the digest Terraform keeps at `<bucket>/<key>-md5`."""

    stack: str
    key: str
    object_md5: str | None  # None when the state object does not exist
    recorded_md5: str | None  # None when there is no digest item
    object_sha256: str | None = None  # recorded as the snapshot's input digest


@dataclass(slots=True, frozen=True)
class Spend:
    """Money spent in a window; `end` is exclusive, like the APIs that report it."""

    source: Literal["aws", "confluent", "budget"]
    amount_usd: Decimal
    start: dt.date
    end: dt.date
    data_as_of: dt.datetime | None = None


@dataclass(slots=True, frozen=True)
class Confirmation:
    """What a resource's own service says of one the tagging API lists: the tagging API
    keeps listing what is gone (deregistered task definitions, deleted clusters, ...)."""

    state: Literal["exists", "gone", "unreadable"]
    method: str  # the IAM action asked, e.g. ecs:DescribeTaskDefinition
    said: str | None = None  # the service's word: ACTIVE, INACTIVE, MISSING, an error code


@dataclass(slots=True, frozen=True)
class TaggedResource:
    """A resource the Resource Groups Tagging API lists with its tags."""

    arn: str
    region: str
    tags: dict[str, str] = field(default_factory=dict)
    #: None when no describe call of its service is known: it counts as still there.
    confirmation: Confirmation | None = None


@dataclass(slots=True, frozen=True)
class Presence:
    """Whether one preserved thing (a bucket, the lock table, the budget) exists."""

    name: str  # what the policy calls it: state_bucket, lock_table, ...
    subject: str  # its physical identity: s3://bucket, an ARN, a table name
    exists: bool


@dataclass(slots=True)
class LiveFacts:
    collected_at: dt.datetime | None = None  # UTC; ages (of held locks) are measured from it
    sections_read: frozenset[str] = frozenset({"backend", "infra", "budget", "cost"})
    """What the lane was asked to read: rules say nothing about sections left out."""
    buckets: list[BucketFacts] = field(default_factory=list)
    tables: list[TableFacts] = field(default_factory=list)
    lock_probes: list[LockProbe] = field(default_factory=list)
    held_locks: list[HeldLock] = field(default_factory=list)
    state_digests: list[StateDigest] = field(default_factory=list)
    spend: list[Spend] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    """ERROR findings for API calls that failed: they name the method and error code."""

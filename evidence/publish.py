"""Publish one run's snapshots to the evidence bucket, once, and prove they arrived intact.

Each lane of the run is committed by its own index (lanes of one CI run share the run id
and publish on their own). Order is the guarantee: every snapshot is uploaded and read
back first, the indexes last, so a publication that stops half-way leaves lanes that read
as incomplete, never ones that pass. Nothing is ever overwritten: keys already taken
refuse the whole publication before any upload, and every write is conditional
(`If-None-Match: *`), so S3 itself refuses an overwrite that races the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from evidence import s3_objects
from evidence.remote_layout import (
    INDEX_NAME,
    IndexEntry,
    LaneRun,
    RunIndex,
    index_key,
    snapshot_key,
)
from evidence.store import EvidenceError, find_snapshots, parse_snapshot
from foundation.aws import ClientFactory, client_factory
from foundation.digests import bytes_sha256
from foundation.errors import ExitCode, StackguardError


@dataclass(frozen=True)
class StagedObject:
    """One object to publish: its key and exact bytes (the local file, byte for byte)."""

    key: str
    body: bytes
    source: Path | None = None

    @property
    def entry(self) -> IndexEntry:
        return IndexEntry(key=self.key, sha256=bytes_sha256(self.body), size=len(self.body))


@dataclass(frozen=True)
class StagedLane:
    """One lane's run: its snapshot, and the index beside it that commits it."""

    lane: str
    snapshot: StagedObject
    index: StagedObject


@dataclass(frozen=True)
class StagedRun:
    environment: str
    run_id: str
    lanes: tuple[StagedLane, ...]  # sorted by lane


@dataclass(frozen=True)
class PublishedRun:
    bucket: str
    environment: str
    run_id: str
    objects: tuple[IndexEntry, ...]
    indexes: tuple[IndexEntry, ...]

    def report_lines(self) -> list[str]:
        """`sha256sum`-like lines: what was published, in the order written (indexes last)."""
        lines = [f"snapshot  {o.sha256}  {s3_objects.url(self.bucket, o.key)}" for o in self.objects]
        return [*lines, *(f"index     {i.sha256}  {s3_objects.url(self.bucket, i.key)}" for i in self.indexes)]


class AlreadyPublished(StackguardError):
    """A lane's run, or part of it, is in the bucket already; it is never overwritten."""

    code = ExitCode.BAD_INPUT


class ReadBackMismatch(StackguardError):
    """What the bucket holds is not what was uploaded."""

    code = ExitCode.ENVIRONMENT


def stage_run(run_dir: Path, *, run_id: str | None = None) -> StagedRun:
    """Read and validate every snapshot below `run_dir` (one run) and build each lane's index.

    Environment, lane and run id come from each snapshot's content, never from its path.
    Any snapshot that does not read refuses the whole run before anything is uploaded.
    """
    if not run_dir.is_dir():
        raise EvidenceError(f"{run_dir}: no such directory")
    staged: dict[LaneRun, StagedObject] = {}
    for path in find_snapshots(run_dir):
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise EvidenceError(f"{path}: not a readable snapshot: {exc}") from None
        snapshot = parse_snapshot(body, source=str(path))
        if run_id is not None and snapshot.run_id != run_id:
            continue
        lane_run = LaneRun(snapshot.environment, snapshot.lane, snapshot.run_id)
        if lane_run in staged:
            raise EvidenceError(f"{path}: same environment, lane and run as {staged[lane_run].source}")
        key = snapshot_key(snapshot.environment, snapshot.lane, snapshot.run_id)
        staged[lane_run] = StagedObject(key=key, body=body, source=path)
    if not staged:
        which = f" of run {run_id}" if run_id else ""
        raise EvidenceError(f"{run_dir}: no snapshots{which} to publish")
    runs = {(lane_run.environment, lane_run.run_id) for lane_run in staged}
    if len(runs) > 1:
        named = ", ".join(f"{env}/{run}" for env, run in sorted(runs))
        raise EvidenceError(f"{run_dir}: snapshots of more than one run ({named}); choose one with --run-id")
    ((environment, the_run_id),) = runs
    lanes = tuple(_stage_lane(lane_run, staged[lane_run]) for lane_run in sorted(staged))
    return StagedRun(environment=environment, run_id=the_run_id, lanes=lanes)


def _stage_lane(lane_run: LaneRun, snapshot: StagedObject) -> StagedLane:
    """The lane's snapshot and the index that will commit it."""
    env, lane, run = lane_run.environment, lane_run.lane, lane_run.run_id
    index = RunIndex(environment=env, lane=lane, run_id=run, objects=[snapshot.entry])
    staged_index = StagedObject(key=index_key(env, lane, run), body=index.to_json().encode("utf-8"))
    return StagedLane(lane=lane, snapshot=snapshot, index=staged_index)


def as_client_factory(session_or_factory: boto3.Session | ClientFactory) -> ClientFactory:
    if isinstance(session_or_factory, boto3.Session):
        return client_factory(session_or_factory)
    return session_or_factory


def refuse_existing(s3: Any, bucket: str, run: StagedRun) -> None:
    """Name every key of every lane that is already taken, before anything is uploaded."""
    taken = [
        (lane.lane, s3_objects.url(bucket, staged.key))
        for lane in run.lanes
        for staged in (lane.index, lane.snapshot)
        if s3_objects.exists(s3, bucket, staged.key)
    ]
    if taken:
        lanes = sorted({lane for lane, _ in taken})
        named = f"lane{'s' if len(lanes) > 1 else ''} {', '.join(lanes)}"
        there = ", ".join(url for _, url in taken)
        raise AlreadyPublished(
            f"run {run.run_id} of {named} is already published, nothing uploaded; already there: {there}"
        )


def upload(s3: Any, bucket: str, run: StagedRun, staged: StagedObject, done: list[str]) -> None:
    """Conditional write; on any failure say what this publication had already uploaded."""
    try:
        s3_objects.put_new(s3, bucket, staged.key, staged.body)
    except s3_objects.ObjectExists as exc:
        message = f"run {run.run_id}: {exc} already exists (written concurrently), nothing more uploaded"
        raise AlreadyPublished(f"{message}{_so_far(done)}") from None
    except StackguardError as exc:
        raise StackguardError(f"{exc}{_so_far(done)}", exc.code) from None
    done.append(s3_objects.url(bucket, staged.key))


def _so_far(done: list[str]) -> str:
    """What this publication wrote before it stopped: a lane's folder without its index
    reads as incomplete, one with its index is published."""
    committed = {url.rsplit("/", 1)[0] for url in done if url.endswith(f"/{INDEX_NAME}")}
    incomplete = [url for url in done if url.rsplit("/", 1)[0] not in committed]
    published = [url for url in done if url.rsplit("/", 1)[0] in committed]
    text = ""
    if incomplete:
        text += f"; uploaded before this, left without index (incomplete): {', '.join(incomplete)}"
    if published:
        text += f"; published before this: {', '.join(published)}"
    return text


def verify(s3: Any, bucket: str, staged: StagedObject, *, note: str = "") -> None:
    """Read the object back: what the bucket holds must be exactly what was uploaded.
    Snapshots are verified before any index is written, so a bad one is never committed."""
    held = s3_objects.get(s3, bucket, staged.key)
    expected = bytes_sha256(staged.body)
    where = s3_objects.url(bucket, staged.key)
    if held is None:
        raise ReadBackMismatch(f"read-back of {where} found no object, uploaded sha256 {expected}{note}")
    if bytes_sha256(held) != expected:
        raise ReadBackMismatch(f"read-back of {where}: sha256 {bytes_sha256(held)}, uploaded {expected}{note}")


def publish_run(
    session_or_client_factory: boto3.Session | ClientFactory,
    *,
    bucket: str,
    run_dir: Path,
    region: str,
    run_id: str | None = None,
) -> PublishedRun:
    """Upload every lane's snapshot and verify them all, then commit each lane with its index."""
    run = stage_run(run_dir, run_id=run_id)
    s3 = as_client_factory(session_or_client_factory)("s3", region)
    refuse_existing(s3, bucket, run)
    done: list[str] = []
    for lane in run.lanes:
        upload(s3, bucket, run, lane.snapshot, done)
    for lane in run.lanes:
        verify(s3, bucket, lane.snapshot, note=" (no index written: every lane of the run stays incomplete)")
    for lane in run.lanes:
        upload(s3, bucket, run, lane.index, done)
        verify(s3, bucket, lane.index)
    return PublishedRun(
        bucket=bucket,
        environment=run.environment,
        run_id=run.run_id,
        objects=tuple(lane.snapshot.entry for lane in run.lanes),
        indexes=tuple(lane.index.entry for lane in run.lanes),
    )

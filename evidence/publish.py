"""Publish one run's snapshots to the evidence bucket, once, and prove they arrived intact.

Order is the guarantee: every snapshot is uploaded and read back first, the index last.
The index is the commit marker, so a publication that stops half-way leaves a run that
reads as incomplete, never one that passes. Nothing is ever overwritten: keys already
taken refuse the run before any upload, and every write is conditional
(`If-None-Match: *`), so S3 itself refuses an overwrite that races the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from evidence import s3_objects
from evidence.remote_layout import IndexEntry, RunIndex, index_key, sha256_hex, snapshot_key
from evidence.store import EvidenceError, find_snapshots, parse_snapshot
from guards.live.clients import ClientFactory, client_factory
from stackguard.exit_codes import ExitCode, StackguardError


@dataclass(frozen=True)
class StagedObject:
    """One object to publish: its key and exact bytes (the local file, byte for byte)."""

    key: str
    body: bytes
    source: Path | None = None

    @property
    def entry(self) -> IndexEntry:
        return IndexEntry(key=self.key, sha256=sha256_hex(self.body), size=len(self.body))


@dataclass(frozen=True)
class StagedRun:
    environment: str
    run_id: str
    snapshots: tuple[StagedObject, ...]
    index: StagedObject


@dataclass(frozen=True)
class PublishedRun:
    bucket: str
    environment: str
    run_id: str
    objects: tuple[IndexEntry, ...]
    index: IndexEntry

    def report_lines(self) -> list[str]:
        """`sha256sum`-like lines: what was published, index last."""
        lines = [f"snapshot  {o.sha256}  {s3_objects.url(self.bucket, o.key)}" for o in self.objects]
        return [*lines, f"index     {self.index.sha256}  {s3_objects.url(self.bucket, self.index.key)}"]


class AlreadyPublished(StackguardError):
    """The run, or part of it, is in the bucket already; a published run is never overwritten."""

    code = ExitCode.BAD_INPUT


class ReadBackMismatch(StackguardError):
    """What the bucket holds is not what was uploaded."""

    code = ExitCode.ENVIRONMENT


def stage_run(run_dir: Path, *, run_id: str | None = None) -> StagedRun:
    """Read and validate every snapshot below `run_dir` (one run) and build its index.

    Environment, lane and run id come from each snapshot's content, never from its path.
    Any snapshot that does not read refuses the whole run before anything is uploaded.
    """
    if not run_dir.is_dir():
        raise EvidenceError(f"{run_dir}: no such directory")
    staged: dict[str, StagedObject] = {}
    runs: set[tuple[str, str]] = set()
    for path in find_snapshots(run_dir):
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise EvidenceError(f"{path}: not a readable snapshot: {exc}") from None
        snapshot = parse_snapshot(body, source=str(path))
        if run_id is not None and snapshot.run_id != run_id:
            continue
        key = snapshot_key(snapshot.environment, snapshot.lane, snapshot.run_id)
        if key in staged:
            raise EvidenceError(f"{path}: same environment, lane and run as {staged[key].source}")
        staged[key] = StagedObject(key=key, body=body, source=path)
        runs.add((snapshot.environment, snapshot.run_id))
    if not staged:
        which = f" of run {run_id}" if run_id else ""
        raise EvidenceError(f"{run_dir}: no snapshots{which} to publish")
    if len(runs) > 1:
        named = ", ".join(f"{env}/{run}" for env, run in sorted(runs))
        raise EvidenceError(f"{run_dir}: snapshots of more than one run ({named}); choose one with --run-id")
    ((environment, the_run_id),) = runs
    snapshots = tuple(staged[key] for key in sorted(staged))
    index = RunIndex(environment=environment, run_id=the_run_id, objects=[s.entry for s in snapshots])
    return StagedRun(
        environment=environment,
        run_id=the_run_id,
        snapshots=snapshots,
        index=StagedObject(key=index_key(environment, the_run_id), body=index.to_json().encode("utf-8")),
    )


def as_client_factory(session_or_factory: boto3.Session | ClientFactory) -> ClientFactory:
    if isinstance(session_or_factory, boto3.Session):
        return client_factory(session_or_factory)
    return session_or_factory


def refuse_existing(s3: Any, bucket: str, run: StagedRun) -> None:
    """Name every key of the run that is already taken, before anything is uploaded."""
    keys = [staged.key for staged in (run.index, *run.snapshots)]
    taken = [s3_objects.url(bucket, key) for key in keys if s3_objects.exists(s3, bucket, key)]
    if taken:
        raise AlreadyPublished(
            f"run {run.run_id} is already published, nothing uploaded; already there: {', '.join(taken)}"
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
    if not done:
        return ""
    return f"; uploaded before this, run left without index (incomplete): {', '.join(done)}"


def verify(s3: Any, bucket: str, staged: StagedObject, *, note: str = "") -> None:
    """Read the object back: what the bucket holds must be exactly what was uploaded.
    Snapshots are verified before the index is written, so a bad one is never committed."""
    held = s3_objects.get(s3, bucket, staged.key)
    expected = sha256_hex(staged.body)
    where = s3_objects.url(bucket, staged.key)
    if held is None:
        raise ReadBackMismatch(f"read-back of {where} found no object, uploaded sha256 {expected}{note}")
    if sha256_hex(held) != expected:
        raise ReadBackMismatch(f"read-back of {where}: sha256 {sha256_hex(held)}, uploaded {expected}{note}")


def publish_run(
    session_or_client_factory: boto3.Session | ClientFactory,
    *,
    bucket: str,
    run_dir: Path,
    region: str,
    run_id: str | None = None,
) -> PublishedRun:
    """Upload the run's snapshots, verify them, then commit the run with its index."""
    run = stage_run(run_dir, run_id=run_id)
    s3 = as_client_factory(session_or_client_factory)("s3", region)
    refuse_existing(s3, bucket, run)
    done: list[str] = []
    for staged in run.snapshots:
        upload(s3, bucket, run, staged, done)
    for staged in run.snapshots:
        verify(s3, bucket, staged, note=" (index not written: the run stays incomplete)")
    upload(s3, bucket, run, run.index, done)
    verify(s3, bucket, run.index)
    return PublishedRun(
        bucket=bucket,
        environment=run.environment,
        run_id=run.run_id,
        objects=tuple(s.entry for s in run.snapshots),
        index=run.index.entry,
    )

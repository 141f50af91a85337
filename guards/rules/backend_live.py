"""Backend readiness in the live account: the state can be stored, recovered and locked.

Judges the facts the live collectors gathered; applies only to live inventories.
"""

from __future__ import annotations

import datetime as dt

from guards import catalog
from guards.findings import Finding, fail
from guards.inventory import Inventory
from guards.live_facts import HeldLock
from guards.policy import Policy
from guards.registry import rule, with_passes

READINESS_CODES = (
    catalog.BACKEND_BUCKET_NOT_FOUND,
    catalog.BACKEND_VERSIONING_DISABLED,
    catalog.BACKEND_UNENCRYPTED,
    catalog.BACKEND_PUBLIC_ACCESS_OPEN,
    catalog.BACKEND_LOCK_TABLE_NOT_FOUND,
    catalog.BACKEND_LOCK_TABLE_INACTIVE,
    catalog.BACKEND_LOCK_TABLE_SCHEMA,
    catalog.BACKEND_LOCK_PROBE_FAILED,
)
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@rule("backend-readiness", codes=READINESS_CODES)
def backend_readiness(inventory: Inventory, policy: Policy) -> list[Finding]:
    """The state bucket and lock table exist, are configured, and locking really excludes."""
    live = inventory.live
    if live is None:
        return []
    findings: list[Finding] = []
    for bucket in live.buckets:
        subject = f"arn:aws:s3:::{bucket.name}"
        if not bucket.exists:
            findings.append(fail(catalog.BACKEND_BUCKET_NOT_FOUND, subject, None, "the state bucket does not exist"))
            continue
        if bucket.versioning != "Enabled":
            findings.append(fail(catalog.BACKEND_VERSIONING_DISABLED, subject, None, f"versioning is {bucket.versioning or 'off'}: a bad write cannot be undone"))
        if not bucket.default_encryption:
            findings.append(fail(catalog.BACKEND_UNENCRYPTED, subject, None, "no default encryption"))
        open_settings = [s for s in PUBLIC_ACCESS_SETTINGS if bucket.public_access_block.get(s) is not True]
        if open_settings:
            findings.append(fail(catalog.BACKEND_PUBLIC_ACCESS_OPEN, subject, None, f"public access not blocked: {', '.join(open_settings)}"))
    for table in live.tables:
        subject = f"dynamodb-table:{table.name}"
        if not table.exists:
            findings.append(fail(catalog.BACKEND_LOCK_TABLE_NOT_FOUND, subject, None, "the lock table does not exist"))
            continue
        if table.status != "ACTIVE":
            findings.append(fail(catalog.BACKEND_LOCK_TABLE_INACTIVE, subject, None, f"table status is {table.status}"))
        if table.hash_key != ("LockID", "S"):
            findings.append(fail(catalog.BACKEND_LOCK_TABLE_SCHEMA, subject, None, f"hash key is {table.hash_key}, Terraform needs ('LockID', 'S')"))
    for probe in live.lock_probes:
        if not (probe.acquired and probe.second_write_refused and probe.released):
            findings.append(
                fail(
                    catalog.BACKEND_LOCK_PROBE_FAILED,
                    f"lock-probe:{probe.lock_id}",
                    None,
                    f"acquired={probe.acquired}, second write refused={probe.second_write_refused}, "
                    f"released={probe.released}" + (f": {probe.detail}" if probe.detail else ""),
                )
            )
    checked = len(live.buckets) + len(live.tables) + len(live.lock_probes)
    return with_passes(findings, READINESS_CODES, checked, "backend components")


def _age(lock: HeldLock, now: dt.datetime | None) -> str:
    if not lock.created or now is None:
        return "age unknown"
    try:
        created = dt.datetime.fromisoformat(lock.created.replace("Z", "+00:00"))
    except ValueError:
        return "age unknown"
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    minutes = int((now - created).total_seconds() // 60)
    return f"held for {minutes // 60} h {minutes % 60} min"


@rule("state-locks", codes=(catalog.STATE_LOCKED,))
def state_locks(inventory: Inventory, policy: Policy) -> list[Finding]:
    """A held Terraform lock on a stack's state: someone is applying, or a run died."""
    live = inventory.live
    if live is None:
        return []
    findings = [
        fail(
            catalog.STATE_LOCKED,
            lock.lock_id,
            lock.stack,
            f"locked by {lock.who or 'unknown'} since {lock.created or 'unknown'} "
            f"({_age(lock, live.collected_at)}) for {lock.operation or 'an unknown operation'}",
        )
        for lock in live.held_locks
    ]
    return with_passes(findings, (catalog.STATE_LOCKED,), len(live.held_locks), "held locks")

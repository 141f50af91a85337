"""Backend rules: one coherent, partitioned, encrypted S3 backend with active locking.

A stack with no backend, a local one or a cloud block keeps state where nobody else can
lock it; two stacks whose keys are equal (or one a prefix of the other) share state.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from guards import catalog
from guards.findings import Finding, fail
from guards.inventory import Backend, Inventory
from guards.policy import BackendPolicy, Policy
from guards.registry import rule, with_passes

STACK_CODES = (
    catalog.BACKEND_MISSING,
    catalog.BACKEND_TYPE_MISMATCH,
    catalog.BACKEND_BUCKET_MISSING,
    catalog.BACKEND_UNENCRYPTED,
    catalog.BACKEND_LOCK_MISSING,
    catalog.BACKEND_LOCKFILE_MISSING,
    catalog.BACKEND_KEY_MISMATCH,
)
SHARED_CODES = (
    catalog.BACKEND_BUCKET_MISMATCH,
    catalog.BACKEND_REGION_MISMATCH,
    catalog.BACKEND_LOCK_TABLE_MISMATCH,
    catalog.BACKEND_KEY_OVERLAP,
)


def _subject(backend: Backend) -> str:
    return f"{backend.stack or '(stack)'}:terraform.backend"


def _check_stack(backend: Backend, policy: Policy) -> list[Finding]:
    rules, subject, stack = policy.backend, _subject(backend), backend.stack
    if backend.type is None:
        return [fail(catalog.BACKEND_MISSING, subject, stack, "no backend: state would stay on the machine that ran terraform")]
    if backend.type != rules.type:
        return [fail(catalog.BACKEND_TYPE_MISMATCH, subject, stack, f"{backend.type} backend, policy requires {rules.type}")]
    config = backend.config
    findings: list[Finding] = []
    if not config.get("bucket"):
        findings.append(fail(catalog.BACKEND_BUCKET_MISSING, subject, stack, "no bucket: a partial configuration left to -backend-config"))
    if rules.require_encryption and config.get("encrypt") is not True:
        findings.append(fail(catalog.BACKEND_UNENCRYPTED, subject, stack, "encrypt is not true"))
    if rules.require_dynamodb_lock and not config.get("dynamodb_table"):
        findings.append(fail(catalog.BACKEND_LOCK_MISSING, subject, stack, "no dynamodb_table: state is not locked in the lock table"))
    if rules.require_lockfile and config.get("use_lockfile") is not True:
        findings.append(fail(catalog.BACKEND_LOCKFILE_MISSING, subject, stack, "use_lockfile is not true: no S3 lockfile is held"))
    expected_key = rules.key_pattern.format(environment=policy.environment, stack=stack)
    if config.get("key") != expected_key:
        findings.append(fail(catalog.BACKEND_KEY_MISMATCH, subject, stack, f"key is {config.get('key')!r}, policy requires {expected_key!r}"))
    return findings


def _agreement(backends: list[Backend], rules: BackendPolicy) -> list[Finding]:
    findings: list[Finding] = []
    for setting, code, required in (
        ("bucket", catalog.BACKEND_BUCKET_MISMATCH, rules.bucket),
        ("region", catalog.BACKEND_REGION_MISMATCH, rules.region),
        ("dynamodb_table", catalog.BACKEND_LOCK_TABLE_MISMATCH, rules.lock_table),
    ):
        by_value: dict[object, list[str]] = defaultdict(list)
        for backend in backends:
            if backend.config.get(setting) is not None:  # a missing value has its own code
                by_value[backend.config.get(setting)].append(backend.stack or "?")
        if len(by_value) > 1 or (required is not None and set(by_value) != {required}):
            seen = "; ".join(f"{value!r} in {', '.join(sorted(stacks))}" for value, stacks in sorted(by_value.items(), key=str))
            want = f", policy requires {required!r}" if required else ""
            for backend in (b for b in backends if b.config.get(setting) is not None):
                findings.append(fail(code, _subject(backend), backend.stack, f"stacks disagree on {setting}: {seen}{want}"))
    for first, second in combinations(backends, 2):
        key_a, key_b = str(first.config.get("key")), str(second.config.get("key"))
        if first.config.get("bucket") == second.config.get("bucket") and (
            key_a.startswith(key_b) or key_b.startswith(key_a)
        ):
            findings.append(
                fail(
                    catalog.BACKEND_KEY_OVERLAP,
                    _subject(second),
                    second.stack,
                    f"state key {key_b!r} overlaps {key_a!r} of stack {first.stack!r}",
                )
            )
    return findings


@rule("backend", codes=STACK_CODES + SHARED_CODES)
def backend(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Every stack on the policy's S3 backend, encrypted, locked, keyed, all in agreement."""
    if not inventory.backends:
        return []  # plans and live state do not carry the backend configuration
    findings = [finding for b in inventory.backends for finding in _check_stack(b, policy)]
    s3_backends = [b for b in inventory.backends if b.type == policy.backend.type]
    findings.extend(_agreement(s3_backends, policy.backend))
    return with_passes(findings, STACK_CODES + SHARED_CODES, len(inventory.backends), "backends")

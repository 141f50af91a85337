"""Live state rules: the state object in the backend is the one Terraform last wrote.

Terraform's S3 backend with DynamoDB locking records each state object's MD5 in the lock
table. When an MD5 is recorded and the object's differs (or the object is gone),
Terraform refuses to read the state ("state data in S3 does not have the expected
content"): a lost write or an object replaced behind its back. No recorded MD5 is a
pass: Terraform without DynamoDB locking writes none, and it skips an empty one.
"""

from __future__ import annotations

from guards import catalog
from guards.findings import Finding, fail
from guards.inventory import Inventory
from guards.live_facts import StateDigest
from guards.policy import Policy
from guards.registry import rule, with_passes


def _mismatch(digest: StateDigest) -> Finding | None:
    if not digest.recorded_md5 or digest.recorded_md5.lower() == (digest.object_md5 or "").lower():
        return None
    found = f"the object's MD5 is {digest.object_md5}" if digest.object_md5 else "the object is missing"
    return fail(
        catalog.BACKEND_STATE_DIGEST_MISMATCH,
        digest.key,
        digest.stack,
        f"the lock table records MD5 {digest.recorded_md5} for this state, but {found}: "
        "Terraform will refuse to read it until the object or the digest item is restored",
    )


@rule("state-digest", codes=(catalog.BACKEND_STATE_DIGEST_MISMATCH,))
def state_digest(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Each stack's state object matches the MD5 Terraform recorded in the lock table."""
    if inventory.live is None:
        return []
    digests = inventory.live.state_digests
    findings = [finding for digest in digests if (finding := _mismatch(digest)) is not None]
    return with_passes(findings, (catalog.BACKEND_STATE_DIGEST_MISMATCH,), len(digests), "state digests")

"""Whether the things a teardown must preserve still exist: buckets, the lock table, the budget.

One cheap read each (HeadBucket, DescribeTable, DescribeBudget). "Not found" is a fact
(the thing is gone); any other failure is an ERROR naming the method, never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from foundation.aws import ClientFactory, FailedCall, calling, error_code
from guards import catalog
from guards.findings import Finding
from guards.live.budget import GLOBAL_REGION, budget_arn
from guards.live.errors import api_error
from guards.live_facts import Presence

S3_BUCKET, DYNAMODB_TABLE, BUDGET = "s3-bucket", "dynamodb-table", "budget"
_NOT_FOUND = {"404", "NoSuchBucket", "NotFound", "ResourceNotFoundException", "NotFoundException"}


@dataclass(frozen=True, slots=True)
class Preserved:
    """One thing to look for: what the policy calls it, its kind and its physical name."""

    name: str
    kind: str  # s3-bucket, dynamodb-table or budget
    physical: str


def _exists(method: str, read: Callable[[], object]) -> bool:
    try:
        with calling(method):
            read()
    except FailedCall as failed:
        code = error_code(failed)
        if code in _NOT_FOUND:
            return False
        raise
    return True


def _probe(clients: ClientFactory, region: str, account: str, item: Preserved) -> tuple[str, str, Callable[[], object]]:
    """(method, subject, read) for one kind."""
    if item.kind == S3_BUCKET:
        return "s3:HeadBucket", f"arn:aws:s3:::{item.physical}", lambda: clients("s3", region).head_bucket(Bucket=item.physical)
    if item.kind == DYNAMODB_TABLE:
        subject = f"arn:aws:dynamodb:{region}:{account}:table/{item.physical}"
        return "dynamodb:DescribeTable", subject, lambda: clients("dynamodb", region).describe_table(TableName=item.physical)
    if item.kind == BUDGET:

        def read() -> object:
            return clients("budgets", GLOBAL_REGION).describe_budget(AccountId=account, BudgetName=item.physical)

        return "budgets:DescribeBudget", budget_arn(account, item.physical), read
    raise ValueError(f"no presence check for kind {item.kind!r}")


def collect_presence(
    clients: ClientFactory, *, region: str, account: str, preserved: Sequence[Preserved], code: catalog.Code = catalog.PRESERVE_MISSING
) -> tuple[list[Presence], list[Finding]]:
    presences: list[Presence] = []
    findings: list[Finding] = []
    for item in preserved:
        method, subject, read = _probe(clients, region, account, item)
        try:
            presences.append(Presence(item.name, subject, _exists(method, read)))
        except FailedCall as failed:
            findings.append(api_error(code, failed.method, region, failed.cause, "core"))
    return presences, findings

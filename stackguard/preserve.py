"""The policy's preserve list, resolved to physical identities from the configuration.

Pure, and kept apart from the guards (which never read this project's configuration): it
turns names like `state_bucket` into what AWS knows them by (bucket names, table name,
role name, ARNs), and into the few reads that show they still exist after a teardown.
"""

from __future__ import annotations

from collections.abc import Iterable

from guards.live.presence import BUDGET as BUDGET_KIND
from guards.live.presence import DYNAMODB_TABLE as TABLE_KIND
from guards.live.presence import S3_BUCKET as BUCKET_KIND
from guards.live.presence import Preserved
from guards.teardown.identity import (
    ARN,
    BUDGET,
    DYNAMODB_TABLE,
    IAM_OIDC_PROVIDER,
    IAM_ROLE,
    S3_BUCKET,
    SNS_TOPIC,
    Identity,
    identity,
)
from guards.teardown.preserve import with_floor
from stacks.config import GITHUB_OIDC_HOST, PlatformConfig


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _bucket(name: str, partition: str) -> list[Identity]:
    return [identity(S3_BUCKET, name), identity(ARN, f"arn:{partition}:s3:::{name}")]


def preserved_identities(
    config: PlatformConfig, names: Iterable[str], account: str | None = None
) -> dict[str, list[Identity]]:
    """Each named thing's identities, the preserve floor's always among them (whatever the
    policy names); ARNs that need the account only when it is known."""
    partition, region = partition_of(config.region), config.region
    table, topic, budget = config.backend.lock_table, config.alert_topic_name, config.budget.name
    # every CI lane's role, and the role AWS Budgets fences the deploy role with
    roles = [*config.ci_role_names, config.budget_stop_role_name]
    arns: dict[str, list[str]] = {}
    if account is not None:
        arns = {
            "lock_table": [f"arn:{partition}:dynamodb:{region}:{account}:table/{table}"],
            "budget": [
                f"arn:{partition}:budgets::{account}:budget/{budget}",
                f"arn:{partition}:iam::{account}:policy/{config.budget_stop_policy_name}",
            ],
            "alert_topic": [f"arn:{partition}:sns:{region}:{account}:{topic}"],
            "ci_identity": [
                *(f"arn:{partition}:iam::{account}:role/{role}" for role in roles),
                f"arn:{partition}:iam::{account}:oidc-provider/{GITHUB_OIDC_HOST}",
            ],
        }
    by_name = {
        "state_bucket": _bucket(config.backend.state_bucket, partition),
        "evidence_bucket": _bucket(config.evidence.bucket, partition),
        "lock_table": [identity(DYNAMODB_TABLE, table)],
        "budget": [identity(BUDGET, budget)],
        "alert_topic": [identity(SNS_TOPIC, topic)],
        "ci_identity": [*(identity(IAM_ROLE, role) for role in roles), identity(IAM_OIDC_PROVIDER, GITHUB_OIDC_HOST)],
    }
    return {
        name: by_name[name] + [identity(ARN, arn) for arn in arns.get(name, [])]
        for name in with_floor(names)
    }


def presence_checks(config: PlatformConfig, names: Iterable[str]) -> list[Preserved]:
    """The preserved things (the floor always among them) whose existence the teardown
    verifies afterwards."""
    checks = {
        "state_bucket": Preserved("state_bucket", BUCKET_KIND, config.backend.state_bucket),
        "evidence_bucket": Preserved("evidence_bucket", BUCKET_KIND, config.evidence.bucket),
        "lock_table": Preserved("lock_table", TABLE_KIND, config.backend.lock_table),
        "budget": Preserved("budget", BUDGET_KIND, config.budget.name),
    }
    return [checks[name] for name in with_floor(names) if name in checks]

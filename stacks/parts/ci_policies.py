"""The CI roles' policy statements, as plain data: what each lane may do, and no more.

Pure (no cdktf), so a test reads exactly what is granted. The managing actions come from
the project's IAM table (`foundation/data/iam_by_resource_type.toml`) for the types the
managed stacks declare; the reads from the code catalog's IAM lists, which the app hands
in (stacks never import guards).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from foundation.iam_table import Step, known
from stacks.config import GITHUB_OIDC_HOST, PlatformConfig
from stacks.parts.iam import statement

#: What a lane does with a managed stack's resources.
LANE_STEPS: dict[str, tuple[Step, ...]] = {
    # a deploy may replace, and replacing deletes
    "deploy": ("create", "update", "delete", "read"),
    "teardown": ("delete", "read"),
}
TAG_KEY = "stack"
#: The lock probe of `check live` writes (and removes) only items under this prefix.
PROBE_KEYS = "stackguard-lock-probe/*"
#: Object reads and writes of the S3 backend; bucket-level reads are granted on the bucket.
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
ITEM_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")
ITEM_WRITES = ("dynamodb:PutItem", "dynamodb:DeleteItem")


def subjects(config: PlatformConfig, lane: str) -> list[str]:
    """The `sub` claims that may assume a lane's role. Deploy and teardown only in the
    configured environments, whose reviewers gate them (a job in an environment presents the
    environment, never its ref, as subject); the read-only guard also on the allowed refs and
    in the watch environment, where the scheduled `watch.yml` runs unattended."""
    repo = config.ci.github_repository
    environments = [f"repo:{repo}:environment:{name}" for name in config.ci.environments]
    if lane != "guard":
        return environments
    refs = [f"repo:{repo}:ref:{ref}" for ref in config.ci.allowed_refs]
    return refs + environments + [f"repo:{repo}:environment:{config.ci.watch_environment}"]


def trust_statement(provider_arn: str, allowed: Sequence[str]) -> dict[str, Any]:
    return statement(
        "GithubActionsOidc",
        ["sts:AssumeRoleWithWebIdentity"],
        [],
        principal={"Federated": provider_arn},
        condition={
            "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GITHUB_OIDC_HOST}:sub": list(allowed)},
        },
    )


def bucket_arn(config: PlatformConfig, name: str) -> str:
    return f"arn:{config.partition}:s3:::{name}"


def lock_ids(config: PlatformConfig, stacks: Iterable[str]) -> list[str]:
    """The DynamoDB lock items terraform uses for these stacks' state: the lock and the digest."""
    bucket = config.backend.state_bucket
    return [f"{bucket}/{config.state_key(s)}{suffix}" for s in stacks for suffix in ("", "-md5")]


def state_objects(config: PlatformConfig, stacks: Iterable[str]) -> list[str]:
    """The state objects and S3 lockfiles of these stacks."""
    bucket = bucket_arn(config, config.backend.state_bucket)
    return [f"{bucket}/{config.state_key(s)}{suffix}" for s in stacks for suffix in ("", ".tflock")]


def _leading_keys(keys: Sequence[str], *, like: bool = False) -> dict[str, Any]:
    operator = "ForAllValues:StringLike" if like else "ForAllValues:StringEquals"
    return {operator: {"dynamodb:LeadingKeys": list(keys)}}


def read_statements(
    config: PlatformConfig, actions: Iterable[str], *, table_arn: str, all_states: bool
) -> list[dict[str, Any]]:
    """The catalog's read actions, each on what it reads: bucket reads on the state bucket,
    object and item reads on every state only for the guard (`all_states`), the lock probe's
    writes on its own items, everything else (Describe*, List*) on `*`."""
    wanted = sorted(set(actions))
    state_bucket = bucket_arn(config, config.backend.state_bucket)
    bucket_reads = [a for a in wanted if a.startswith("s3:") and a not in OBJECT_ACTIONS]
    table_reads = [a for a in wanted if a.startswith("dynamodb:") and a not in ITEM_ACTIONS]
    rest = [a for a in wanted if not a.startswith(("s3:", "dynamodb:"))]
    found = [
        statement("ReadStateBucket", bucket_reads, [state_bucket]) if bucket_reads else None,
        statement("DescribeLockTable", table_reads, [table_arn]) if table_reads else None,
        statement("ReadAccount", rest, ["*"]) if rest else None,
    ]
    if any(a in wanted for a in ITEM_WRITES):
        found.append(statement("OwnLockProbe", ITEM_WRITES, [table_arn], condition=_leading_keys([PROBE_KEYS], like=True)))
    if all_states:
        if "s3:GetObject" in wanted:
            found.append(statement("ReadStates", ["s3:GetObject"], [f"{state_bucket}/*"]))
        if "dynamodb:GetItem" in wanted:
            found.append(statement("ReadLocks", ["dynamodb:GetItem"], [table_arn]))
    return [s for s in found if s is not None]


def state_statements(
    config: PlatformConfig, stacks: Sequence[str], *, table_arn: str, reads_also: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Read and write only `stacks`' state objects, lockfiles and lock items; read (never
    write) the states in `reads_also` (the deploy order gate reads core's)."""
    found = [
        statement("OwnStateObjects", OBJECT_ACTIONS, state_objects(config, stacks)),
        statement(
            "OwnLockItems", ITEM_ACTIONS, [table_arn],
            condition=_leading_keys([*lock_ids(config, stacks), PROBE_KEYS], like=True),
        ),
    ]
    if reads_also:
        found.append(statement("ReadOrderStates", ["s3:GetObject"], [state_objects(config, reads_also)[0]]))
    return found


def evidence_statement(config: PlatformConfig) -> dict[str, Any]:
    """Publishing a lane's snapshots (write-once keys; reading one back to compare)."""
    return statement("PublishEvidence", ["s3:GetObject", "s3:PutObject"], [f"{bucket_arn(config, config.evidence.bucket)}/*"])


def manage_statements(types_by_stack: Mapping[str, Iterable[str]], steps: Sequence[Step]) -> list[dict[str, Any]]:
    """The table's actions for `steps` on each stack's resource types. Where the service
    honours tag conditions they hold only for resources tagged with that stack: the create
    call's tags (aws:RequestTag) for a create of a type that tags on create, the resource's
    own tags (aws:ResourceTag) otherwise; reads and untaggable types are unconditioned."""
    found: list[dict[str, Any]] = []
    free: set[str] = set()
    for stack in sorted(types_by_stack):
        by_key: dict[str, set[str]] = {}
        for entry in known(types_by_stack[stack]):
            free.update(entry.read)
            if entry.tags == "none":
                free.update(entry.actions(s for s in steps if s != "read"))
                continue
            for step in steps:
                if step != "read":
                    key = "RequestTag" if (step == "create" and entry.tags == "request") else "ResourceTag"
                    by_key.setdefault(key, set()).update(getattr(entry, step))
        for key, actions in sorted(by_key.items()):
            if actions:
                condition = {"StringEquals": {f"aws:{key}/{TAG_KEY}": stack}}
                found.append(statement(f"{key}{stack.title()}", sorted(actions), ["*"], condition=condition))
    if free:
        found.append(statement("Untagged", sorted(free), ["*"]))
    return found


def preserve_deny(config: PlatformConfig) -> dict[str, Any]:
    """The teardown's second wall after the preserve-set: an explicit Deny on deleting or
    changing the backend, the evidence, the budget and its stop, and the CI identities,
    whatever else any policy allows."""
    p = config.partition
    buckets = [bucket_arn(config, config.backend.state_bucket), bucket_arn(config, config.evidence.bucket)]
    budget = f"arn:{p}:budgets::*:budget/{config.budget.name}"
    roles = [*config.ci_role_names, config.budget_stop_role_name]
    resources = [
        *buckets,
        f"{buckets[0]}/*",
        f"{buckets[1]}/*",
        f"arn:{p}:dynamodb:{config.region}:*:table/{config.backend.lock_table}",
        budget,
        f"{budget}/action/*",
        *(f"arn:{p}:iam::*:role/{name}" for name in roles),
        f"arn:{p}:iam::*:policy/{config.budget_stop_policy_name}",
        f"arn:{p}:iam::*:oidc-provider/{GITHUB_OIDC_HOST}",
    ]
    actions = [
        "s3:DeleteBucket", "s3:DeleteBucket*", "s3:PutBucket*", "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration", "s3:DeleteObjectVersion", "s3:PutObjectRetention",
        "s3:BypassGovernanceRetention",
        "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateContinuousBackups", "dynamodb:DeleteBackup",
        "budgets:ModifyBudget", "budgets:DeleteBudgetAction", "budgets:UpdateBudgetAction", "budgets:ExecuteBudgetAction",
        "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
        "iam:TagRole", "iam:UntagRole",
        "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
        "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
    ]
    return statement("PreserveSetIsUntouchable", actions, resources, effect="Deny")

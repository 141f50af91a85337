"""A CI identity for GitHub Actions: OIDC federation, no long-lived keys."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from stacks.config import GITHUB_OIDC_HOST, CiConfig
from stacks.parts.iam import policy_document, statement


def github_subjects(ci: CiConfig) -> list[str]:
    """The `sub` claims GitHub issues for pushes (and dispatches) on the allowed refs."""
    return [f"repo:{ci.github_repository}:ref:{ref}" for ref in ci.allowed_refs]


class GithubCiIdentity(Construct):
    """The OIDC provider and a role only the configured repository's refs can assume.

    The role reaches the state bucket and the lock table, nothing else: enough to read and
    lock state, and a small blast radius if a workflow is ever compromised.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        role_name: str,
        ci: CiConfig,
        state_bucket_arn: str,
        lock_table_arn: str,
    ) -> None:
        super().__init__(scope, logical_id)
        provider = IamOpenidConnectProvider(
            self,
            "provider",
            url=f"https://{GITHUB_OIDC_HOST}",
            client_id_list=["sts.amazonaws.com"],
        )
        provider.override_logical_id("github_oidc")

        self.role = IamRole(
            self,
            "role",
            name=role_name,
            max_session_duration=3600,
            assume_role_policy=policy_document(
                statement(
                    "GithubActionsOidc",
                    ["sts:AssumeRoleWithWebIdentity"],
                    [],
                    principal={"Federated": provider.arn},
                    condition={
                        "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
                        "StringLike": {f"{GITHUB_OIDC_HOST}:sub": github_subjects(ci)},
                    },
                )
            ),
        )
        self.role.override_logical_id("ci_role")

        access = IamRolePolicy(
            self,
            "state_access",
            role=self.role.id,
            name="terraform-state-access",
            policy=policy_document(
                statement(
                    "ListStateBucket",
                    ["s3:ListBucket", "s3:GetBucketVersioning", "s3:GetBucketLocation"],
                    [state_bucket_arn],
                ),
                statement(
                    "ReadWriteStateObjects",
                    ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    [f"{state_bucket_arn}/*"],
                ),
                statement(
                    "UseLockTable",
                    [
                        "dynamodb:DescribeTable",
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:DeleteItem",
                    ],
                    [lock_table_arn],
                ),
            ),
        )
        access.override_logical_id("ci_role_state_access")

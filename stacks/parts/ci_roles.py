"""The CI identities for GitHub Actions: OIDC federation, one role per lane, no long-lived keys.

guard reads what `check live` reads; deploy and teardown manage what the confluent and
demo stacks declare, each tagged resource only in its own stack, and their own states
only. A compromised workflow reaches what its lane needs, nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from stacks.config import CI_LANES, GITHUB_OIDC_HOST, PlatformConfig
from stacks.parts import ci_policies as p
from stacks.parts.iam import policy_document

#: The stack whose state the deploy order gate reads (read-only) before the others.
ORDER_STATE = "core"


class CiRoles(Construct):
    """The OIDC provider and the guard, deploy and teardown roles with their read access.

    What deploy and teardown may manage is granted by `grant_management`, once the app
    knows which resource types the managed stacks declare.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        config: PlatformConfig,
        lock_table_arn: str,
        reads: Mapping[str, Iterable[str]],
    ) -> None:
        super().__init__(scope, logical_id)
        self.config, self.lock_table_arn = config, lock_table_arn
        provider = IamOpenidConnectProvider(
            self, "provider", url=f"https://{GITHUB_OIDC_HOST}", client_id_list=["sts.amazonaws.com"]
        )
        provider.override_logical_id("github_oidc")
        self.roles: dict[str, IamRole] = {}
        for lane in CI_LANES:
            role = IamRole(
                self,
                f"{lane}_role",
                name=config.ci_role_name(lane),
                max_session_duration=3600,
                assume_role_policy=policy_document(p.trust_statement(provider.arn, p.subjects(config, lane))),
            )
            role.override_logical_id(f"ci_{lane}_role")
            self.roles[lane] = role
            statements = p.read_statements(
                config, reads.get(lane, ()), table_arn=lock_table_arn, all_states=lane == "guard"
            )
            self._inline(lane, "read", statements)

    def _inline(self, lane: str, what: str, statements: list[dict]) -> None:
        policy = IamRolePolicy(
            self, f"{lane}_{what}", role=self.roles[lane].id, name=f"ci-{lane}-{what}",
            policy=policy_document(*statements),
        )
        policy.override_logical_id(f"ci_{lane}_{what}")

    def grant_management(self, types_by_stack: Mapping[str, Iterable[str]]) -> None:
        """Let deploy and teardown manage these stacks' resource types and states; the
        teardown also carries the preserve-set's explicit Deny."""
        stacks = sorted(types_by_stack)
        for lane, steps in p.LANE_STEPS.items():
            statements = [
                *p.manage_statements(types_by_stack, steps),
                *p.state_statements(self.config, stacks, table_arn=self.lock_table_arn, reads_also=[ORDER_STATE]),
                p.evidence_statement(self.config),
            ]
            if lane == "teardown":
                statements.append(p.preserve_deny(self.config))
            self._inline(lane, "manage", statements)

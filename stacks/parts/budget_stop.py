"""The emergency stop, executable by AWS itself: a budget action that fences the deploy role.

When actual spend passes the stop threshold, AWS Budgets attaches a managed policy that
denies creating anything to the deploy role, automatically (no approval step), so nothing
new is created afterwards even by a lane whose own gates were bypassed. The teardown role
is left alone: removing what bills must stay possible.
"""

from __future__ import annotations

from decimal import Decimal

from cdktf_cdktf_provider_aws.budgets_budget_action import (
    BudgetsBudgetAction,
    BudgetsBudgetActionActionThreshold,
    BudgetsBudgetActionDefinition,
    BudgetsBudgetActionDefinitionIamActionDefinition,
    BudgetsBudgetActionSubscriber,
)
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from foundation.iam_table import create_actions
from stacks.config import PlatformConfig
from stacks.parts.iam import policy_document, statement

#: Starting anything that bills, beyond the table's creates.
ALSO_DENIED = ("ec2:RunInstances", "ecs:RunTask", "ecs:StartTask")


def denied_actions() -> list[str]:
    """Every create action of the IAM table, and `<service>:Create*` for each of its services."""
    creates = create_actions()
    services = sorted({action.split(":")[0] for action in creates})
    return sorted({*creates, *(f"{service}:Create*" for service in services), *ALSO_DENIED})


class BudgetStop(Construct):
    """The deny policy, the role AWS Budgets acts with, and the action at the stop threshold."""

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        config: PlatformConfig,
        budget_name: str,
        stop_usd: Decimal,
        deploy_role: IamRole,
        topic_arn: str,
    ) -> None:
        super().__init__(scope, logical_id)
        caller = DataAwsCallerIdentity(self, "caller")
        caller.override_logical_id("current")
        deny = IamPolicy(
            self, "deny", name=config.budget_stop_policy_name,
            description="Attached by the budget stop: nothing new may be created",
            policy=policy_document(statement("BudgetStopDeniesCreating", denied_actions(), ["*"], effect="Deny")),
        )
        deny.override_logical_id("budget_stop_deny")
        # Spelled from the account, not `deny.arn`, so a plan already knows it (the guard
        # judges the attached policy in the plan before it exists).
        policy_arn = f"arn:{config.partition}:iam::{caller.account_id}:policy/{config.budget_stop_policy_name}"

        executor = IamRole(
            self, "role", name=config.budget_stop_role_name,
            assume_role_policy=policy_document(
                statement("BudgetsActs", ["sts:AssumeRole"], [], principal={"Service": "budgets.amazonaws.com"})
            ),
        )
        executor.override_logical_id("budget_stop_role")
        attach = IamRolePolicy(
            self, "attach", role=executor.id, name="attach-stop-to-deploy-role",
            policy=policy_document(
                statement(
                    "FenceTheDeployRoleOnly",
                    ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                    [deploy_role.arn],
                    condition={"ArnEquals": {"iam:PolicyARN": policy_arn}},
                )
            ),
        )
        attach.override_logical_id("budget_stop_role_attach")

        action = BudgetsBudgetAction(
            self, "action",
            budget_name=budget_name,
            action_type="APPLY_IAM_POLICY",
            approval_model="AUTOMATIC",
            notification_type="ACTUAL",
            execution_role_arn=executor.arn,
            action_threshold=BudgetsBudgetActionActionThreshold(
                action_threshold_type="ABSOLUTE_VALUE", action_threshold_value=float(stop_usd)
            ),
            definition=BudgetsBudgetActionDefinition(
                iam_action_definition=BudgetsBudgetActionDefinitionIamActionDefinition(
                    policy_arn=policy_arn, roles=[deploy_role.name]
                )
            ),
            subscriber=[
                BudgetsBudgetActionSubscriber(address=topic_arn, subscription_type="SNS"),
                *(BudgetsBudgetActionSubscriber(address=e, subscription_type="EMAIL") for e in config.alert_emails),
            ],
            depends_on=[deny, attach],
        )
        action.override_logical_id("budget_stop_action")

"""The monthly cost cap: an AWS Budget whose alert ladder reaches a topic and people."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.budgets_budget import (
    BudgetsBudget,
    BudgetsBudgetCostTypes,
    BudgetsBudgetNotification,
)
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from stacks.config import BudgetConfig
from stacks.parts.iam import policy_document, statement


def money(amount: object) -> str:
    """AWS Budgets wants the limit as a decimal string; `30.00` and `30` must read the same."""
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class BudgetAlerts(Construct):
    """SNS alert topic with e-mail subscriptions and a COST budget notifying both.

    Every rung of the ladder notifies the topic *and* the e-mail addresses directly, so an
    unconfirmed e-mail subscription on the topic never leaves a rung without a subscriber.
    Credits and refunds are left out of what the budget measures (AWS counts both by
    default): they net spend down, to zero while credits last, and the alerts would never
    fire while the platform consumes.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        topic_name: str,
        budget: BudgetConfig,
        emails: list[str],
    ) -> None:
        super().__init__(scope, logical_id)
        self.topic = SnsTopic(self, "topic", name=topic_name)
        self.topic.override_logical_id("alert_topic")

        topic_policy = SnsTopicPolicy(
            self,
            "topic_policy",
            arn=self.topic.arn,
            policy=policy_document(
                statement(
                    "AllowBudgetsToPublish",
                    ["sns:Publish"],
                    [self.topic.arn],
                    principal={"Service": "budgets.amazonaws.com"},
                )
            ),
        )
        topic_policy.override_logical_id("alert_topic_policy")

        for index, email in enumerate(emails):
            subscription = SnsTopicSubscription(
                self, f"email_{index}", topic_arn=self.topic.arn, protocol="email", endpoint=email
            )
            subscription.override_logical_id(f"alert_email_{index}")

        self.budget = BudgetsBudget(
            self,
            "budget",
            name=budget.name,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=money(budget.limit_usd),
            limit_unit="USD",
            cost_types=BudgetsBudgetCostTypes(include_credit=False, include_refund=False),
            notification=[
                BudgetsBudgetNotification(
                    comparison_operator="GREATER_THAN",
                    notification_type=budget.spend_type,
                    threshold=float(threshold),
                    threshold_type="ABSOLUTE_VALUE",
                    subscriber_email_addresses=list(emails),
                    subscriber_sns_topic_arns=[self.topic.arn],
                )
                for threshold in budget.thresholds_usd
            ],
            depends_on=[topic_policy],
        )
        self.budget.override_logical_id("monthly_budget")

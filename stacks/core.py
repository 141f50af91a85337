"""core: the persistent foundation every other stack and every lane relies on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from constructs import Construct

from stacks.base import PlatformStack
from stacks.config import PlatformConfig
from stacks.parts.budget_alerts import BudgetAlerts
from stacks.parts.budget_stop import BudgetStop
from stacks.parts.ci_roles import CiRoles
from stacks.parts.secure_bucket import SecureBucket

ECR_UNTAGGED_EXPIRY = """{"rules": [{"rulePriority": 1, "description": "expire untagged images",
 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
 "countNumber": 7}, "action": {"type": "expire"}}]}"""


class CoreStack(PlatformStack):
    """State bucket, lock table, evidence bucket, budget, alerts and stop, ECR, CI roles.

    `ci_reads` are the read actions of each CI lane (from the code catalog, handed in by
    the app: stacks never import guards).
    """

    def __init__(
        self,
        scope: Construct,
        *,
        config: PlatformConfig,
        ci_reads: Mapping[str, Iterable[str]],
        local_state_path: str | None = None,
    ) -> None:
        super().__init__(scope, "core", config=config, local_state_path=local_state_path)

        state = SecureBucket(self, "state_bucket", bucket_name=config.backend.state_bucket)
        evidence = SecureBucket(
            self,
            "evidence_bucket",
            bucket_name=config.evidence.bucket,
            noncurrent_days=config.evidence.retention_days,
            retention_days=config.evidence.retention_days,
        )

        lock_table = DynamodbTable(
            self,
            "lock_table",
            name=config.backend.lock_table,
            billing_mode="PAY_PER_REQUEST",
            hash_key="LockID",
            attribute=[DynamodbTableAttribute(name="LockID", type="S")],
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True),
            deletion_protection_enabled=True,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )

        alerts = BudgetAlerts(
            self,
            "budget_alerts",
            topic_name=config.alert_topic_name,
            budget=config.budget,
            emails=list(config.alert_emails),
        )

        ecr = EcrRepository(
            self,
            "ecr_repository",
            name=self.name("images"),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(
                scan_on_push=True
            ),
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="KMS")],
        )
        EcrLifecyclePolicy(
            self, "ecr_lifecycle", repository=ecr.name, policy=ECR_UNTAGGED_EXPIRY
        )

        self.ci = CiRoles(self, "ci_identity", config=config, lock_table_arn=lock_table.arn, reads=ci_reads)
        BudgetStop(
            self,
            "budget_stop",
            config=config,
            budget_name=alerts.budget.name,
            stop_usd=max(config.budget.thresholds_usd),
            deploy_role=self.ci.roles["deploy"],
            topic_arn=alerts.topic.arn,
        )

        outputs = {
            "state_bucket": state.bucket.bucket,
            "lock_table": lock_table.name,
            "evidence_bucket": evidence.bucket.bucket,
            "evidence_bucket_arn": evidence.bucket.arn,
            "alert_topic_arn": alerts.topic.arn,
            "budget_name": alerts.budget.name,
            "ecr_repository_url": ecr.repository_url,
            **{f"{lane}_role_arn": role.arn for lane, role in self.ci.roles.items()},
        }
        for name, value in outputs.items():
            self.output(name, value=value)

"""core: the persistent foundation every other stack and every lane relies on."""

from __future__ import annotations

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
from stacks.parts.github_oidc import GithubCiIdentity
from stacks.parts.secure_bucket import SecureBucket

ECR_UNTAGGED_EXPIRY = """{"rules": [{"rulePriority": 1, "description": "expire untagged images",
 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
 "countNumber": 7}, "action": {"type": "expire"}}]}"""


class CoreStack(PlatformStack):
    """State bucket, lock table, evidence bucket, budget and alerts, ECR, CI identity."""

    def __init__(
        self, scope: Construct, *, config: PlatformConfig, local_state_path: str | None = None
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

        ci = GithubCiIdentity(
            self,
            "ci_identity",
            role_name=config.ci_role_name,
            ci=config.ci,
            state_bucket_arn=state.bucket.arn,
            lock_table_arn=lock_table.arn,
        )

        outputs = {
            "state_bucket": state.bucket.bucket,
            "lock_table": lock_table.name,
            "evidence_bucket": evidence.bucket.bucket,
            "evidence_bucket_arn": evidence.bucket.arn,
            "alert_topic_arn": alerts.topic.arn,
            "budget_name": alerts.budget.name,
            "ecr_repository_url": ecr.repository_url,
            "ci_role_arn": ci.role.arn,
        }
        for name, value in outputs.items():
            self.output(name, value=value)

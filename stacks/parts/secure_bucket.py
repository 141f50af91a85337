"""A private, versioned, encrypted S3 bucket that refuses plain HTTP and deletion."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from stacks.parts.iam import policy_document, statement


class SecureBucket(Construct):
    """Versioning, KMS encryption with bucket keys, public access blocked, TLS only.

    `prevent_destroy` makes Terraform refuse any plan that deletes the bucket, which is
    the last line of defence for the state and the evidence. Old object versions expire
    so a versioned bucket cannot grow the bill without bound. With `retention_days`, S3
    Object Lock keeps every object version for that long in governance mode: evidence
    cannot be overwritten or deleted, except by a principal granted the explicit bypass.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        bucket_name: str,
        noncurrent_days: int = 90,
        retention_days: int | None = None,
    ) -> None:
        super().__init__(scope, logical_id)
        self.bucket = S3Bucket(
            self,
            "bucket",
            bucket=bucket_name,
            object_lock_enabled=retention_days is not None or None,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.bucket.override_logical_id(logical_id)
        bucket_id = self.bucket.id

        versioning = S3BucketVersioningA(
            self,
            "versioning",
            bucket=bucket_id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        versioning.override_logical_id(f"{logical_id}_versioning")

        if retention_days is not None:
            lock = S3BucketObjectLockConfigurationA(
                self,
                "object_lock",
                bucket=bucket_id,
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode="GOVERNANCE", days=retention_days
                    )
                ),
                depends_on=[versioning],
            )
            lock.override_logical_id(f"{logical_id}_object_lock")

        encryption = S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms"
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        encryption.override_logical_id(f"{logical_id}_encryption")

        public_access = S3BucketPublicAccessBlock(
            self,
            "public_access_block",
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        public_access.override_logical_id(f"{logical_id}_public_access_block")

        tls_only = S3BucketPolicy(
            self,
            "tls_only",
            bucket=bucket_id,
            policy=policy_document(
                statement(
                    "DenyInsecureTransport",
                    ["s3:*"],
                    [self.bucket.arn, f"{self.bucket.arn}/*"],
                    effect="Deny",
                    principal="*",
                    condition={"Bool": {"aws:SecureTransport": "false"}},
                )
            ),
            depends_on=[public_access],
        )
        tls_only.override_logical_id(f"{logical_id}_tls_only")

        lifecycle = S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=bucket_id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter()],  # every object
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=noncurrent_days
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=7
                        )
                    ],
                )
            ],
            depends_on=[versioning],
        )
        lifecycle.override_logical_id(f"{logical_id}_lifecycle")

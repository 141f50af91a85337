"""A small single-AZ PostgreSQL whose master password never enters Terraform state."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from constructs import Construct


class SmallPostgres(Construct):
    """Encrypted, private, single-AZ; RDS manages the password in Secrets Manager.

    The database is ephemeral with its stack: no final snapshot and no deletion
    protection, so a reviewed teardown can remove it completely.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        identifier: str,
        instance_class: str,
        allocated_storage_gb: int,
        subnet_ids: list[str],
        security_group_ids: list[str],
    ) -> None:
        super().__init__(scope, logical_id)
        subnets = DbSubnetGroup(self, "subnets", name=identifier, subnet_ids=subnet_ids)
        subnets.override_logical_id(f"{logical_id}_subnets")
        self.instance = DbInstance(
            self,
            "instance",
            identifier=identifier,
            engine="postgres",
            engine_version="16",
            instance_class=instance_class,
            allocated_storage=allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            multi_az=False,
            publicly_accessible=False,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=security_group_ids,
            db_name="demo",
            username="demo_admin",
            manage_master_user_password=True,
            iam_database_authentication_enabled=True,
            backup_retention_period=1,
            auto_minor_version_upgrade=True,
            copy_tags_to_snapshot=True,
            enabled_cloudwatch_logs_exports=["postgresql"],
            skip_final_snapshot=True,
            deletion_protection=False,
        )
        self.instance.override_logical_id(logical_id)

    @property
    def secret_arn(self) -> str:
        return self.instance.master_user_secret.get(0).secret_arn

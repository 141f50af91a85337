"""One ECS Fargate service: its task definition, log group and two narrow roles."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ecs_service import EcsService, EcsServiceNetworkConfiguration
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from stacks.config import ServiceConfig
from stacks.parts.iam import policy_document, statement

EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ECS_TASKS_TRUST = policy_document(
    statement(
        "EcsTasksAssume",
        ["sts:AssumeRole"],
        [],
        principal={"Service": "ecs-tasks.amazonaws.com"},
    )
)


class FargateService(Construct):
    """A public-IP Fargate service (no load balancer) wired to Kafka and the database.

    The execution role may read exactly the secrets this task injects; the task role may
    write only below its own prefix of the evidence bucket.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        name: str,
        service: ServiceConfig,
        region: str,
        cluster_arn: str,
        subnet_ids: list[str],
        security_group_ids: list[str],
        log_retention_days: int,
        evidence_prefix_arn: str,
        environment: dict[str, str],
        parameter_secrets: dict[str, str],
        managed_secrets: dict[str, str],
    ) -> None:
        """`parameter_secrets` are SSM parameter ARNs, `managed_secrets` Secrets Manager ARNs."""
        super().__init__(scope, logical_id)
        log_group = CloudwatchLogGroup(
            self, "logs", name=f"/ecs/{name}", retention_in_days=log_retention_days
        )
        log_group.override_logical_id(f"{logical_id}_logs")

        execution_role = IamRole(
            self, "execution_role", name=f"{name}-exec", assume_role_policy=ECS_TASKS_TRUST
        )
        execution_role.override_logical_id(f"{logical_id}_execution_role")
        IamRolePolicyAttachment(
            self, "execution_managed", role=execution_role.name, policy_arn=EXECUTION_POLICY_ARN
        ).override_logical_id(f"{logical_id}_execution_managed")
        IamRolePolicy(
            self,
            "execution_secrets",
            role=execution_role.id,
            name="read-injected-secrets",
            policy=policy_document(
                statement(
                    "ReadInjectedParameters",
                    ["ssm:GetParameters"],
                    sorted(parameter_secrets.values()),
                ),
                statement(
                    "ReadInjectedSecrets",
                    ["secretsmanager:GetSecretValue"],
                    sorted(managed_secrets.values()),
                ),
            ),
        ).override_logical_id(f"{logical_id}_execution_secrets")

        task_role = IamRole(
            self, "task_role", name=f"{name}-task", assume_role_policy=ECS_TASKS_TRUST
        )
        task_role.override_logical_id(f"{logical_id}_task_role")
        IamRolePolicy(
            self,
            "task_evidence",
            role=task_role.id,
            name="write-own-evidence-prefix",
            policy=policy_document(
                statement("WriteOwnEvidencePrefix", ["s3:PutObject"], [evidence_prefix_arn])
            ),
        ).override_logical_id(f"{logical_id}_task_evidence")

        secrets = parameter_secrets | managed_secrets
        container = {
            "name": service.name,
            "image": service.image,
            "essential": True,
            "portMappings": [{"containerPort": service.port, "protocol": "tcp"}],
            "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/ecs/{name}",
                    "awslogs-region": region,
                    "awslogs-stream-prefix": service.name,
                },
            },
        }
        task = EcsTaskDefinition(
            self,
            "task",
            family=name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(service.cpu),
            memory=str(service.memory),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=json.dumps([container], sort_keys=True),
        )
        task.override_logical_id(f"{logical_id}_task")

        self.service = EcsService(
            self,
            "service",
            name=name,
            cluster=cluster_arn,
            task_definition=task.arn,
            desired_count=service.desired_count,
            launch_type="FARGATE",
            propagate_tags="SERVICE",
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=subnet_ids, security_groups=security_group_ids, assign_public_ip=True
            ),
        )
        self.service.override_logical_id(logical_id)

"""demo: the ephemeral workload. Public subnets, Fargate services, a small database."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from cdktf_cdktf_provider_aws.security_group import (
    SecurityGroup,
    SecurityGroupEgress,
    SecurityGroupIngress,
)
from constructs import Construct

from stacks.base import PlatformStack
from stacks.config import PlatformConfig
from stacks.confluent_contract import kafka_runtime
from stacks.parts.fargate_service import FargateService
from stacks.parts.postgres import SmallPostgres
from stacks.parts.public_network import PublicNetwork

POSTGRES_PORT = 5432


def tcp_egress(description: str, port: int, cidr: str) -> SecurityGroupEgress:
    return SecurityGroupEgress(
        description=description, protocol="tcp", from_port=port, to_port=port, cidr_blocks=[cidr]
    )


class DemoStack(PlatformStack):
    """No NAT gateway, no load balancer: everything here can be torn down to zero."""

    def __init__(self, scope: Construct, *, config: PlatformConfig) -> None:
        super().__init__(scope, "demo", config=config)
        settings = config.demo
        network = PublicNetwork(
            self,
            "network",
            name=self.name("vpc"),
            cidr=settings.vpc_cidr,
            zones=[f"{config.region}{suffix}" for suffix in settings.zone_suffixes],
        )
        kafka = kafka_runtime(self, config)

        services_sg = SecurityGroup(
            self,
            "services_sg",
            name=self.name("services"),
            description="Demo Fargate tasks",
            vpc_id=network.vpc.id,
            ingress=[
                SecurityGroupIngress(
                    description=f"{service.name} from allowed networks",
                    protocol="tcp",
                    from_port=service.port,
                    to_port=service.port,
                    cidr_blocks=[str(cidr) for cidr in settings.ingress_cidrs],
                )
                for service in settings.services
                if settings.ingress_cidrs
            ],
            egress=[
                tcp_egress("HTTPS and Kafka to ECR, SSM and Confluent", 443, "0.0.0.0/0"),
                tcp_egress("Kafka (SASL_SSL) to Confluent", 9092, "0.0.0.0/0"),
                tcp_egress("PostgreSQL inside the VPC", POSTGRES_PORT, str(settings.vpc_cidr)),
            ],
        )
        database_sg = SecurityGroup(
            self,
            "database_sg",
            name=self.name("database"),
            description="Demo PostgreSQL, reachable from the demo tasks only",
            vpc_id=network.vpc.id,
            ingress=[
                SecurityGroupIngress(
                    description="PostgreSQL from demo tasks",
                    protocol="tcp",
                    from_port=POSTGRES_PORT,
                    to_port=POSTGRES_PORT,
                    security_groups=[services_sg.id],
                )
            ],
        )

        database = SmallPostgres(
            self,
            "database",
            identifier=self.name("db"),
            instance_class=settings.db_instance_class,
            allocated_storage_gb=settings.db_allocated_storage_gb,
            subnet_ids=network.subnet_ids,
            security_group_ids=[database_sg.id],
        )

        cluster = EcsCluster(
            self,
            "cluster",
            name=self.name("cluster"),
            setting=[EcsClusterSetting(name="containerInsights", value="disabled")],
        )

        evidence_arn = f"arn:aws:s3:::{config.evidence.bucket}"
        for service in settings.services:
            FargateService(
                self,
                f"service_{service.name.replace('-', '_')}",
                name=self.name(service.name),
                service=service,
                region=config.region,
                cluster_arn=cluster.arn,
                subnet_ids=network.subnet_ids,
                security_group_ids=[services_sg.id],
                log_retention_days=settings.log_retention_days,
                evidence_prefix_arn=(
                    f"{evidence_arn}/{config.environment}/demo/{service.name}/*"
                ),
                environment={
                    "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                    "DB_HOST": database.instance.address,
                    "DB_NAME": "demo",
                },
                parameter_secrets={
                    "KAFKA_API_KEY": kafka.api_key_parameter_arn,
                    "KAFKA_API_SECRET": kafka.api_secret_parameter_arn,
                },
                managed_secrets={"DB_CREDENTIALS": database.secret_arn},
            )

        self.output("vpc_id", value=network.vpc.id)
        self.output("cluster_arn", value=cluster.arn)
        self.output("database_address", value=database.instance.address)

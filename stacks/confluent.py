"""confluent: the managed Kafka substrate and the runtime credentials it hands to demo."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from stacks.base import PlatformStack
from stacks.config import PlatformConfig
from stacks.parts import confluent

#: The outputs demo reads in `remote_state` mode; the contract between the two stacks.
CONTRACT_OUTPUTS = (
    "bootstrap_endpoint",
    "bootstrap_parameter_arn",
    "api_key_parameter_arn",
    "api_secret_parameter_arn",
)


class ConfluentStack(PlatformStack):
    """Environment, Basic cluster, service account, role binding, API key and topics.

    The runtime reads the bootstrap endpoint and the API key from SSM Parameter Store
    (SecureString), never from Terraform outputs in plain text.
    """

    def __init__(self, scope: Construct, *, config: PlatformConfig) -> None:
        super().__init__(scope, "confluent", config=config)
        settings = config.confluent
        provider = confluent.ConfluentProvider(self)

        env = confluent.environment(
            self, "environment", provider=provider, display_name=settings.environment_name
        )
        env_id = env.get_string_attribute("id")
        cluster = confluent.basic_kafka_cluster(
            self,
            "kafka_cluster",
            provider=provider,
            display_name=settings.cluster_name,
            cloud=settings.cloud,
            region=settings.region,
            environment_id=env_id,
        )
        app_account = confluent.service_account(
            self,
            "app_service_account",
            provider=provider,
            display_name=self.name("app"),
            description="Runtime identity of the demo services",
        )
        admin = confluent.role_binding(
            self,
            "app_cluster_admin",
            provider=provider,
            principal=app_account,
            role_name="CloudClusterAdmin",
            crn_pattern=cluster.get_string_attribute("rbac_crn"),
        )
        api_key = confluent.cluster_api_key(
            self,
            "app_api_key",
            provider=provider,
            display_name=self.name("app-key"),
            owner=app_account,
            cluster=cluster,
            environment_id=env_id,
            depends_on=[admin],
        )
        for topic in settings.topics:
            confluent.kafka_topic(
                self,
                "topic_" + topic.name.replace(".", "_").replace("-", "_"),
                provider=provider,
                cluster=cluster,
                api_key=api_key,
                topic_name=topic.name,
                partitions=topic.partitions,
            )

        bootstrap = cluster.get_string_attribute("bootstrap_endpoint")
        # One type for all three keeps the runtime's IAM simple; the endpoint is not secret.
        values = {
            "bootstrap": ("bootstrap_servers", bootstrap),
            "api_key": ("api_key", api_key.get_string_attribute("id")),
            "api_secret": ("api_secret", api_key.get_string_attribute("secret")),
        }
        parameters = {
            key: SsmParameter(
                self,
                f"{key}_parameter",
                name=config.confluent_parameter_name(leaf),
                type="SecureString",
                value=value,
            )
            for key, (leaf, value) in values.items()
        }

        self.output("bootstrap_endpoint", value=bootstrap)
        self.output("cluster_id", value=cluster.get_string_attribute("id"))
        for key, parameter in parameters.items():
            self.output(f"{key}_parameter_arn", value=parameter.arn)
        self.output("kafka_api_key", value=api_key.get_string_attribute("id"), sensitive=True
        )
        self.output("kafka_api_secret", value=api_key.get_string_attribute("secret"), sensitive=True
        )

"""How demo learns where Kafka is: one explicit contract, chosen in configuration.

`remote_state` reads the confluent stack's outputs from its state key; `manual` reads SSM
parameter names given in configuration (for a cluster this platform does not manage).
Exactly one source is ever wired; there is no fallback from one to the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import DataTerraformRemoteStateS3, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter

from stacks.config import PlatformConfig


@dataclass(frozen=True)
class KafkaRuntime:
    """What a service needs: the endpoint, and where its credentials are kept."""

    bootstrap_servers: str
    api_key_parameter_arn: str
    api_secret_parameter_arn: str


def kafka_runtime(stack: TerraformStack, config: PlatformConfig) -> KafkaRuntime:
    if config.demo.confluent_source == "remote_state":
        state = DataTerraformRemoteStateS3(
            stack,
            "confluent_state",
            bucket=config.backend.state_bucket,
            key=config.state_key("confluent"),
            region=config.region,
        )
        return KafkaRuntime(
            bootstrap_servers=state.get_string("bootstrap_endpoint"),
            api_key_parameter_arn=state.get_string("api_key_parameter_arn"),
            api_secret_parameter_arn=state.get_string("api_secret_parameter_arn"),
        )

    names = config.demo.manual_parameters
    assert names is not None  # guaranteed by DemoConfig validation
    bootstrap = DataAwsSsmParameter(stack, "confluent_bootstrap", name=names.bootstrap_servers)
    # Only the ARNs of the secrets are read; ECS injects their values at task start.
    api_key = DataAwsSsmParameter(
        stack, "confluent_api_key", name=names.api_key, with_decryption=False
    )
    api_secret = DataAwsSsmParameter(
        stack, "confluent_api_secret", name=names.api_secret, with_decryption=False
    )
    return KafkaRuntime(
        bootstrap_servers=bootstrap.value,
        api_key_parameter_arn=api_key.arn,
        api_secret_parameter_arn=api_secret.arn,
    )

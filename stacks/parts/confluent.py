"""Typed wrappers for the confluentinc/confluent provider, built on cdktf escape hatches.

There are no prebuilt cdktf bindings for this provider and `cdktf get` needs the network,
so each resource is a plain `TerraformResource` whose arguments are set by override. The
functions below are the only place that knows the provider's argument names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdktf import (
    ITerraformDependable,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
)
from constructs import Construct

PROVIDER_SOURCE = "confluentinc/confluent"
PROVIDER_VERSION = "~> 2.0"
_METADATA = TerraformProviderGeneratorMetadata(
    provider_name="confluent", provider_version_constraint=PROVIDER_VERSION
)


class ConfluentProvider(TerraformProvider):
    """The provider block; credentials come from CONFLUENT_CLOUD_API_KEY/SECRET at plan time."""

    def __init__(self, scope: Construct, logical_id: str = "confluent") -> None:
        super().__init__(
            scope,
            logical_id,
            terraform_resource_type="confluent",
            terraform_generator_metadata=_METADATA,
            terraform_provider_source=PROVIDER_SOURCE,
        )


def _resource(
    scope: Construct,
    logical_id: str,
    resource_type: str,
    provider: ConfluentProvider,
    arguments: Mapping[str, Any],
    depends_on: list[ITerraformDependable] | None = None,
) -> TerraformResource:
    resource = TerraformResource(
        scope,
        logical_id,
        terraform_resource_type=resource_type,
        terraform_generator_metadata=_METADATA,
        provider=provider,
        depends_on=depends_on,
    )
    for name, value in arguments.items():
        resource.add_override(name, value)
    return resource


def _reference(resource: TerraformResource) -> dict[str, str]:
    """The `{id, api_version, kind}` triple Confluent uses to point at another object."""
    return {
        "id": resource.get_string_attribute("id"),
        "api_version": resource.get_string_attribute("api_version"),
        "kind": resource.get_string_attribute("kind"),
    }


def environment(
    scope: Construct, logical_id: str, *, provider: ConfluentProvider, display_name: str
) -> TerraformResource:
    return _resource(
        scope,
        logical_id,
        "confluent_environment",
        provider,
        {"display_name": display_name, "stream_governance": {"package": "ESSENTIALS"}},
    )


def basic_kafka_cluster(
    scope: Construct,
    logical_id: str,
    *,
    provider: ConfluentProvider,
    display_name: str,
    cloud: str,
    region: str,
    environment_id: str,
) -> TerraformResource:
    """A Basic, single-zone cluster: the cheapest tier, billed by use."""
    return _resource(
        scope,
        logical_id,
        "confluent_kafka_cluster",
        provider,
        {
            "display_name": display_name,
            "availability": "SINGLE_ZONE",
            "cloud": cloud,
            "region": region,
            "basic": {},
            "environment": {"id": environment_id},
        },
    )


def service_account(
    scope: Construct,
    logical_id: str,
    *,
    provider: ConfluentProvider,
    display_name: str,
    description: str,
) -> TerraformResource:
    return _resource(
        scope,
        logical_id,
        "confluent_service_account",
        provider,
        {"display_name": display_name, "description": description},
    )


def role_binding(
    scope: Construct,
    logical_id: str,
    *,
    provider: ConfluentProvider,
    principal: TerraformResource,
    role_name: str,
    crn_pattern: str,
) -> TerraformResource:
    return _resource(
        scope,
        logical_id,
        "confluent_role_binding",
        provider,
        {
            "principal": f"User:{principal.get_string_attribute('id')}",
            "role_name": role_name,
            "crn_pattern": crn_pattern,
        },
    )


def cluster_api_key(
    scope: Construct,
    logical_id: str,
    *,
    provider: ConfluentProvider,
    display_name: str,
    owner: TerraformResource,
    cluster: TerraformResource,
    environment_id: str,
    depends_on: list[ITerraformDependable],
) -> TerraformResource:
    """A Kafka API key owned by a service account; its `secret` is sensitive."""
    managed = _reference(cluster) | {"environment": {"id": environment_id}}
    return _resource(
        scope,
        logical_id,
        "confluent_api_key",
        provider,
        {
            "display_name": display_name,
            "description": "Runtime credentials, kept in SSM Parameter Store",
            "owner": _reference(owner),
            "managed_resource": managed,
        },
        depends_on=depends_on,
    )


def kafka_topic(
    scope: Construct,
    logical_id: str,
    *,
    provider: ConfluentProvider,
    cluster: TerraformResource,
    api_key: TerraformResource,
    topic_name: str,
    partitions: int,
) -> TerraformResource:
    return _resource(
        scope,
        logical_id,
        "confluent_kafka_topic",
        provider,
        {
            "kafka_cluster": {"id": cluster.get_string_attribute("id")},
            "topic_name": topic_name,
            "partitions_count": partitions,
            "rest_endpoint": cluster.get_string_attribute("rest_endpoint"),
            "credentials": {
                "key": api_key.get_string_attribute("id"),
                "secret": api_key.get_string_attribute("secret"),
            },
        },
    )

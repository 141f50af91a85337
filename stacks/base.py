"""What every stack of the platform shares: its state partition and its default tags.

A stack only adds resources on top; the backend and the tagging contract are set here
once, so no stack can forget them.
"""

from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformOutput, TerraformResource, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from foundation.topology import LIFECYCLE
from stacks.config import PlatformConfig


def default_tags(config: PlatformConfig, stack_name: str) -> dict[str, str]:
    """The tags every resource of a stack carries; guards read `lifecycle` from them."""
    return {
        "project": config.project,
        "environment": config.environment,
        "stack": stack_name,
        "lifecycle": LIFECYCLE[stack_name],
    }


def use_partitioned_backend(stack: TerraformStack, config: PlatformConfig, stack_name: str) -> None:
    """One bucket and one lock table for all stacks, a key of its own for each.

    Terraform 1.11+ prefers the S3 lockfile and deprecates `dynamodb_table`; OpenTofu reads
    both. We hold both locks. cdktf's S3Backend has no `use_lockfile`, hence the override.
    """
    S3Backend(
        stack,
        bucket=config.backend.state_bucket,
        key=config.state_key(stack_name),
        region=config.region,
        encrypt=True,
        dynamodb_table=config.backend.lock_table,
    )
    stack.add_override("terraform.backend.s3.use_lockfile", True)


class PlatformStack(TerraformStack):
    """A stack with the platform's AWS provider (version and retries from the configuration),
    default tags and partitioned backend."""

    def __init__(
        self,
        scope: Construct,
        stack_name: str,
        *,
        config: PlatformConfig,
        local_state_path: str | None = None,
    ) -> None:
        super().__init__(scope, stack_name)
        self.config = config
        self.stack_name = stack_name
        if local_state_path is None:
            use_partitioned_backend(self, config, stack_name)
        else:
            LocalBackend(self, path=local_state_path)
        AwsProvider(
            self,
            "aws",
            region=config.region,
            default_tags=[AwsProviderDefaultTags(tags=default_tags(config, stack_name))],
            max_retries=config.tooling.aws_max_retries,
        )
        # The bindings pin the version they were generated for; the configuration decides.
        self.add_override(
            "terraform.required_providers.aws.version", config.tooling.aws_provider_version
        )

    def name(self, suffix: str) -> str:
        """A physical name scoped to the platform: `<prefix>-<stack>-<suffix>`."""
        return self.config.physical_name(self.stack_name, suffix)

    def output(self, name: str, value: str, *, sensitive: bool = False) -> TerraformOutput:
        """An output named exactly `name`, whatever constructs share that id."""
        result = TerraformOutput(self, f"output_{name}", value=value, sensitive=sensitive)
        result.override_logical_id(name)
        return result

    def resource_types(self) -> set[str]:
        """The managed resource types the stack declares: what a role managing it needs."""
        return {c.terraform_resource_type for c in self.node.find_all() if isinstance(c, TerraformResource)}

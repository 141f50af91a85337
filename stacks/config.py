"""The platform configuration: what we build, validated before any construct exists.

Kept apart from the policy (what is allowed) so that a guard can judge a configuration
it did not write. Every error names the field it is about.
"""

from __future__ import annotations

import ipaddress
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from foundation import aws_names
from foundation.aws_names import Check
from foundation.tomlfile import load_toml_model
from foundation.topology import STACK_NAMES

CONFIG_ENV_VAR = "STACKGUARD_CONFIG"
DEFAULT_CONFIG_FILE = Path("platform.toml")  # relative to where the command runs

#: The OIDC issuer GitHub Actions presents; core federates the CI role with it.
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731}
# Fargate CPU units and the memory (MiB) each one accepts, for the small sizes we allow.
FARGATE_MEMORY_BY_CPU = {
    256: {512, 1024, 2048},
    512: {1024, 2048, 3072, 4096},
    1024: {2048, 3072, 4096, 5120, 6144, 7168, 8192},
}


#: The hashicorp/aws version the cdktf bindings were generated for; the stacks require it
#: unless the configuration says otherwise.
AWS_PROVIDER_VERSION = "6.25.0"
#: The CI lanes core gives a GitHub OIDC role of their own, each limited to its job.
CI_LANES = ("guard", "deploy", "teardown")
#: The SSM parameters the confluent stack writes for demo, by leaf name.
CONFLUENT_PARAMETER_LEAVES = ("bootstrap_servers", "api_key", "api_secret")


class ConfigError(ValueError):
    """Raised with a one-line message that names the file and the field."""


def _obeys(check: Check) -> AfterValidator:
    """A validator refusing what AWS would refuse for the kind `check` judges."""

    def validate(name: str) -> str:
        reason = check(name)
        if reason:
            raise ValueError(f"AWS refuses this name: it {reason}")
        return name

    return AfterValidator(validate)


#: (what it names, the rule AWS applies, the name): one AWS name the configuration makes.
MadeName = tuple[str, Check, str]


def physical(prefix: str, stack: str, suffix: str) -> str:
    """A physical name scoped to the platform: `<prefix>-<stack>-<suffix>`."""
    return f"{prefix}-{stack}-{suffix}"


def prefixed_names(prefix: str, environment: str) -> list[MadeName]:
    """The AWS names `name_prefix` makes on its own, as the stacks make them (a test holds
    the stacks to this list)."""
    return [
        ("SNS topic", aws_names.sns_topic_name, physical(prefix, "core", "alerts")),
        *(("IAM role", aws_names.iam_role_name, physical(prefix, "core", f"ci-{lane}")) for lane in CI_LANES),
        ("IAM role", aws_names.iam_role_name, physical(prefix, "core", "budget-stop")),
        ("IAM policy", aws_names.iam_policy_name, physical(prefix, "core", "budget-stop-deny")),
        ("ECR repository", aws_names.ecr_repository_name, physical(prefix, "core", "images")),
        ("security group", aws_names.security_group_name, physical(prefix, "demo", "services")),
        ("security group", aws_names.security_group_name, physical(prefix, "demo", "database")),
        ("RDS instance identifier", aws_names.rds_instance_identifier, physical(prefix, "demo", "db")),
        ("DB subnet group", aws_names.db_subnet_group_name, physical(prefix, "demo", "db")),
        ("ECS cluster", aws_names.ecs_name, physical(prefix, "demo", "cluster")),
        *(
            ("SSM parameter", aws_names.ssm_parameter_name, confluent_parameter(prefix, environment, leaf))
            for leaf in CONFLUENT_PARAMETER_LEAVES
        ),
    ]


def service_names(prefix: str, service: str) -> list[MadeName]:
    """The AWS names one demo service makes (see `stacks.parts.fargate_service`)."""
    base = physical(prefix, "demo", service)
    return [
        ("ECS service", aws_names.ecs_name, base),
        ("task definition family", aws_names.ecs_name, base),
        ("log group", aws_names.log_group_name, f"/ecs/{base}"),
        ("IAM role", aws_names.iam_role_name, f"{base}-exec"),
        ("IAM role", aws_names.iam_role_name, f"{base}-task"),
    ]


def confluent_parameter(prefix: str, environment: str, leaf: str) -> str:
    """Where the confluent stack keeps a runtime value for demo, in SSM."""
    return f"/{prefix}/{environment}/confluent/{leaf}"


def first_refusal(names: list[MadeName]) -> str | None:
    """`makes the <what> name '<name>', which AWS refuses: it <reason>`, for the first one."""
    for what, check, name in names:
        reason = check(name)
        if reason:
            return f"makes the {what} name {name!r}, which AWS refuses: it {reason}"
    return None


_VERSION_CONSTRAINT = re.compile(r"\s*(?:=|!=|>=|<=|>|<|~>)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.]+)?\s*")


def _version_constraint(value: str) -> str:
    if not all(_VERSION_CONSTRAINT.fullmatch(part) for part in value.split(",")):
        raise ValueError(
            "must be a Terraform version constraint such as '6.25.0', '~> 5.100' or "
            f"'>= 5.100, < 7', got {value!r}"
        )
    return value


BucketName = Annotated[str, _obeys(aws_names.s3_bucket_name)]
Region = Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
SsmParameterName = Annotated[
    str, Field(pattern=r"^/[A-Za-z0-9_.\-/]+$"), _obeys(aws_names.ssm_parameter_name)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BackendConfig(_Strict):
    state_bucket: BucketName
    lock_table: Annotated[str, _obeys(aws_names.dynamodb_table_name)]


class EvidenceConfig(_Strict):
    bucket: BucketName
    #: S3 Object Lock (governance mode) keeps each published object this long; old
    #: versions expire after it, so the bucket's cost stays bounded.
    retention_days: int = Field(default=90, ge=1, le=3650)


class BudgetConfig(_Strict):
    name: Annotated[str, _obeys(aws_names.budget_name)]
    limit_usd: Decimal = Field(gt=0)
    thresholds_usd: list[Decimal] = Field(min_length=1)
    spend_type: Literal["ACTUAL", "FORECASTED"] = "ACTUAL"

    @model_validator(mode="after")
    def _ladder_fits_cap(self) -> BudgetConfig:
        ladder = self.thresholds_usd
        if any(low >= high for low, high in zip(ladder, ladder[1:])):
            raise ValueError(
                f"thresholds_usd must be strictly ascending, got {[str(t) for t in ladder]}"
            )
        if ladder[0] <= 0 or ladder[-1] > self.limit_usd:
            raise ValueError(
                f"thresholds_usd must lie in (0, limit_usd={self.limit_usd}], "
                f"got {[str(t) for t in ladder]}"
            )
        return self


class CiConfig(_Strict):
    github_repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    allowed_refs: list[Annotated[str, Field(pattern=r"^refs/(heads|tags)/[A-Za-z0-9_./*-]+$")]] = Field(
        default=["refs/heads/main"], min_length=1
    )
    #: GitHub environments whose jobs may assume the roles. A job that names an environment
    #: presents `repo:<repo>:environment:<name>` as its subject, not its ref; the workflows
    #: deploy and tear down in `dev_min`, where required reviewers gate them.
    environments: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$")]] = Field(
        default=["dev_min"], min_length=1
    )
    #: The environment of the scheduled `watch.yml` (no reviewers: it runs unattended). Only
    #: the read-only guard role trusts it, so a job there can never deploy or tear down.
    watch_environment: str = Field(default="dev_min-watch", pattern=r"^[A-Za-z0-9_.-]{1,255}$")


class TopicConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9._-]{1,249}$")
    partitions: int = Field(default=1, ge=1, le=100)


class ConfluentConfig(_Strict):
    cloud: Literal["AWS", "GCP", "AZURE"] = "AWS"
    region: str = Field(min_length=1)
    environment_name: str = Field(min_length=1, max_length=64)
    cluster_name: str = Field(min_length=1, max_length=64)
    topics: list[TopicConfig] = Field(default_factory=list)

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, topics: list[TopicConfig]) -> list[TopicConfig]:
        names = [topic.name for topic in topics]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"topic names must be unique, repeated: {', '.join(duplicates)}")
        return topics


class ServiceConfig(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")
    image: str = Field(
        pattern=r"^[^@\s]+@sha256:[0-9a-f]{64}$",
        description="Referenced by digest, so a deploy is reproducible.",
    )
    desired_count: int = Field(default=0, ge=0, le=10)
    cpu: int = 256
    memory: int = 512
    port: int = Field(default=8080, ge=1, le=65535)

    @model_validator(mode="after")
    def _fargate_size(self) -> ServiceConfig:
        allowed = FARGATE_MEMORY_BY_CPU.get(self.cpu)
        if allowed is None:
            raise ValueError(f"cpu must be one of {sorted(FARGATE_MEMORY_BY_CPU)}, got {self.cpu}")
        if self.memory not in allowed:
            raise ValueError(f"memory for cpu={self.cpu} must be one of {sorted(allowed)}")
        return self


class ManualConfluentParameters(_Strict):
    """SSM parameter names the demo stack reads when confluent is not managed here."""

    bootstrap_servers: SsmParameterName
    api_key: SsmParameterName
    api_secret: SsmParameterName


class DemoConfig(_Strict):
    confluent_source: Literal["remote_state", "manual"] = "remote_state"
    manual_parameters: ManualConfluentParameters | None = None
    vpc_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.40.0.0/16")
    zone_suffixes: list[Annotated[str, Field(pattern=r"^[a-z]$")]] = Field(
        default=["a", "b"], min_length=2, max_length=2,
        description="Availability zones of the two public subnets, as suffixes of the region.",
    )
    ingress_cidrs: list[ipaddress.IPv4Network] = Field(
        default_factory=list,
        description="Networks allowed to reach the services' ports; none by default.",
    )
    db_instance_class: str = Field(default="db.t4g.micro", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$")
    db_allocated_storage_gb: int = Field(default=20, ge=20, le=100)
    log_retention_days: int = 3
    services: list[ServiceConfig] = Field(default_factory=list)

    @field_validator("vpc_cidr")
    @classmethod
    def _room_for_two_subnets(cls, cidr: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if cidr.prefixlen > 24:
            raise ValueError("must be /24 or larger to hold two public subnets")
        return cidr

    @field_validator("log_retention_days")
    @classmethod
    def _valid_retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of {sorted(LOG_RETENTION_DAYS)}")
        return days

    @field_validator("services")
    @classmethod
    def _unique_services(cls, services: list[ServiceConfig]) -> list[ServiceConfig]:
        names = [service.name for service in services]
        if len(names) != len(set(names)):
            raise ValueError("service names must be unique")
        return services

    @model_validator(mode="after")
    def _one_confluent_contract(self) -> DemoConfig:
        # Never both, never a silent fallback: the mode decides which input exists.
        if self.confluent_source == "manual" and self.manual_parameters is None:
            raise ValueError("confluent_source = 'manual' requires [demo.manual_parameters]")
        if self.confluent_source == "remote_state" and self.manual_parameters is not None:
            raise ValueError(
                "[demo.manual_parameters] is only allowed with confluent_source = 'manual'"
            )
        return self


class ToolingConfig(_Strict):
    """External tools stackguard drives, and the AWS provider the stacks ask them for."""

    terraform: str = Field(
        default="terraform",
        pattern=r"^[A-Za-z0-9._+/-]+$",
        description="The Terraform-compatible binary for teardown: `terraform` or `tofu`.",
    )
    aws_provider_version: Annotated[str, AfterValidator(_version_constraint)] = Field(
        default=AWS_PROVIDER_VERSION,
        description=(
            "The version constraint on hashicorp/aws in every stack's required_providers; a "
            "mirror that holds another version (5.100.0 in the end-to-end tests) is pinned here."
        ),
    )
    aws_max_retries: int | None = Field(
        default=None,
        ge=0,
        le=100,
        strict=True,
        description="The AWS provider's max_retries; unset leaves the provider's own default.",
    )


class PlatformConfig(_Strict):
    project: str = Field(default="dev-platform", pattern=r"^[A-Za-z0-9_.:/=+@ -]{1,128}$")
    environment: str = Field(default="dev_min", pattern=r"^[a-z][a-z0-9_]{1,30}$")
    region: Region
    name_prefix: str = Field(pattern=r"^[a-z][a-z0-9-]{1,23}$")
    alert_emails: list[Email] = Field(min_length=1)
    backend: BackendConfig
    evidence: EvidenceConfig
    budget: BudgetConfig
    ci: CiConfig
    confluent: ConfluentConfig
    demo: DemoConfig = DemoConfig()
    tooling: ToolingConfig = ToolingConfig()

    @field_validator("name_prefix")
    @classmethod
    def _prefix_makes_valid_names(cls, prefix: str, info: ValidationInfo) -> str:
        """A prefix AWS refuses inside a name fails here, not half-way through an apply."""
        refusal = first_refusal(prefixed_names(prefix, info.data.get("environment", "")))
        if refusal:
            raise ValueError(refusal)
        return prefix

    @field_validator("demo")
    @classmethod
    def _services_make_valid_names(cls, demo: DemoConfig, info: ValidationInfo) -> DemoConfig:
        prefix = info.data.get("name_prefix")
        for service in demo.services if prefix else ():
            refusal = first_refusal(service_names(prefix, service.name))
            if refusal:
                raise ValueError(f"service {service.name!r} {refusal}")
        return demo

    @model_validator(mode="after")
    def _distinct_buckets(self) -> PlatformConfig:
        if self.backend.state_bucket == self.evidence.bucket:
            raise ValueError("backend.state_bucket and evidence.bucket must differ")
        return self

    def state_key(self, stack: str) -> str:
        """The stack's own partition of the shared backend: `<env>/<stack>/terraform.tfstate`."""
        if stack not in STACK_NAMES:
            raise ValueError(f"unknown stack {stack!r}")
        return f"{self.environment}/{stack}/terraform.tfstate"

    def physical_name(self, stack: str, suffix: str) -> str:
        """A physical name scoped to the platform: `<prefix>-<stack>-<suffix>`.

        The stacks name their resources with it, and teardown resolves the preserved ones
        with it, so both always agree.
        """
        return physical(self.name_prefix, stack, suffix)

    def confluent_parameter_name(self, leaf: str) -> str:
        """`/<prefix>/<env>/confluent/<leaf>`: the SSM parameter confluent writes for demo."""
        return confluent_parameter(self.name_prefix, self.environment, leaf)

    def made_names(self) -> list[MadeName]:
        """Every AWS name derived from `name_prefix`, as validated."""
        made = prefixed_names(self.name_prefix, self.environment)
        for service in self.demo.services:
            made += service_names(self.name_prefix, service.name)
        return made

    @property
    def alert_topic_name(self) -> str:
        """core's SNS alert topic, which the budget notifies."""
        return self.physical_name("core", "alerts")

    def ci_role_name(self, lane: str) -> str:
        """core's role for one CI lane (guard, deploy, teardown), assumed through OIDC."""
        if lane not in CI_LANES:
            raise ValueError(f"unknown CI lane {lane!r}")
        return self.physical_name("core", f"ci-{lane}")

    @property
    def ci_role_names(self) -> list[str]:
        return [self.ci_role_name(lane) for lane in CI_LANES]

    @property
    def budget_stop_role_name(self) -> str:
        """The role AWS Budgets assumes to attach the stop's deny policy to the deploy role."""
        return self.physical_name("core", "budget-stop")

    @property
    def budget_stop_policy_name(self) -> str:
        """The managed policy the budget stop attaches: it denies creating anything."""
        return self.physical_name("core", "budget-stop-deny")

    @property
    def partition(self) -> str:
        """The ARN partition of the configured region."""
        if self.region.startswith("cn-"):
            return "aws-cn"
        return "aws-us-gov" if self.region.startswith("us-gov-") else "aws"


def config_path() -> Path:
    """The file to load: $STACKGUARD_CONFIG if set, else the platform.toml in the repo."""
    override = os.environ.get(CONFIG_ENV_VAR)
    return Path(override) if override else DEFAULT_CONFIG_FILE


def load_config(path: Path | None = None) -> PlatformConfig:
    """Read and validate the configuration, or raise ConfigError with a one-line reason."""
    return load_toml_model(
        path or config_path(),
        PlatformConfig,
        error=ConfigError,
        kind="configuration",
        env_var=CONFIG_ENV_VAR,
    )

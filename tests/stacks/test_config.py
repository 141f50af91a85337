"""The configuration model refuses what cannot be built, naming the field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w

from stacks.config import ConfigError, PlatformConfig, load_config
from tests.conftest import CONFIG_FILE


def write_config(tmp_path: Path, mutate) -> Path:
    raw = tomllib.loads(CONFIG_FILE.read_text())
    mutate(raw)
    path = tmp_path / "platform.toml"
    path.write_text(tomli_w.dumps(raw))
    return path


def test_shipped_configuration_is_the_dev_min_posture(platform_config: PlatformConfig):
    assert platform_config.environment == "dev_min"
    assert str(platform_config.budget.limit_usd) == "30"
    assert [str(t) for t in platform_config.budget.thresholds_usd] == ["10", "20", "28"]
    assert platform_config.budget.spend_type == "ACTUAL"
    assert platform_config.demo.confluent_source == "remote_state"
    assert platform_config.tooling.terraform == "terraform"
    assert platform_config.tooling.aws_provider_version == "6.25.0"
    assert platform_config.tooling.aws_max_retries is None


def test_state_keys_are_partitioned_per_stack(platform_config: PlatformConfig):
    assert platform_config.state_key("core") == "dev_min/core/terraform.tfstate"
    assert platform_config.state_key("confluent") == "dev_min/confluent/terraform.tfstate"
    assert platform_config.state_key("demo") == "dev_min/demo/terraform.tfstate"
    with pytest.raises(ValueError):
        platform_config.state_key("other")


@pytest.mark.parametrize(
    ("mutate", "field", "reason"),
    [
        (lambda c: c["budget"].update(thresholds_usd=[10, 28, 20]), "budget", "ascending"),
        (lambda c: c["budget"].update(thresholds_usd=[10, 20, 35]), "budget", "limit_usd=30"),
        (lambda c: c["budget"].update(limit_usd=0), "budget.limit_usd", "greater than 0"),
        (lambda c: c["backend"].update(state_bucket="Bad_Bucket"), "backend.state_bucket", "lowercase"),
        (lambda c: c["evidence"].update(bucket="a..b"), "evidence.bucket", "'..'"),
        (lambda c: c.update(colour="blue"), "colour", "unknown field"),
        (lambda c: c["tooling"].update(terraform="terraform; rm -rf /"), "tooling.terraform", "pattern"),
        (lambda c: c["demo"].update(turbo=True), "demo.turbo", "unknown field"),
        (lambda c: c.update(region="Europe"), "region", "pattern"),
        (lambda c: c["demo"].update(confluent_source="manual"), "demo", "manual_parameters"),
        (
            lambda c: c["demo"].update(
                manual_parameters={"bootstrap_servers": "/a", "api_key": "/b", "api_secret": "/c"}
            ),
            "demo",
            "only allowed with confluent_source = 'manual'",
        ),
        (lambda c: c["demo"]["services"][0].update(image="nginx:latest"), "demo.services.0.image", "pattern"),
        (lambda c: c["demo"]["services"][0].update(memory=4096), "demo.services.0", "memory for cpu=256"),
        (lambda c: c["demo"].update(log_retention_days=2), "demo.log_retention_days", "must be one of"),
        (lambda c: c.update(alert_emails=[]), "alert_emails", "at least 1"),
        (lambda c: c["evidence"].update(bucket=c["backend"]["state_bucket"]), "(top level)", "must differ"),
        # Names AWS refuses, stated or made by the configuration.
        (
            lambda c: c.update(name_prefix="sg-devmin"),
            "name_prefix",
            "makes the security group name 'sg-devmin-demo-services', which AWS refuses: it starts with 'sg-'",
        ),
        (lambda c: c.update(name_prefix="dev--min"), "name_prefix", "the ECR repository name 'dev--min-core-images'"),
        (
            lambda c: c.update(name_prefix="awsdev"),
            "name_prefix",
            "the SSM parameter name '/awsdev/dev_min/confluent/bootstrap_servers', which AWS refuses: it is prefixed 'aws'",
        ),
        (lambda c: c["backend"].update(lock_table="tf"), "backend.lock_table", "AWS refuses this name: it has 2 characters"),
        (lambda c: c["budget"].update(name="monthly:cap"), "budget.name", "must not contain ':'"),
        (lambda c: c["evidence"].update(bucket="amzn-s3-demo-evidence"), "evidence.bucket", "'amzn-s3-demo-'"),
        (
            lambda c: (c.update(name_prefix="p" * 24), c["demo"]["services"][0].update(name="s" * 31)),
            "demo",
            "service '" + "s" * 31 + "' makes the IAM role name",
        ),
        (
            lambda c: c["demo"].update(
                confluent_source="manual",
                manual_parameters={"bootstrap_servers": "/aws/kafka", "api_key": "/b", "api_secret": "/c"},
            ),
            "demo.manual_parameters.bootstrap_servers",
            "prefixed 'aws' or 'ssm'",
        ),
        (lambda c: c["tooling"].update(aws_provider_version="latest"), "tooling.aws_provider_version", "version constraint"),
        (lambda c: c["tooling"].update(aws_max_retries=-1), "tooling.aws_max_retries", "greater than or equal to 0"),
        (lambda c: c["tooling"].update(aws_max_retries=True), "tooling.aws_max_retries", "valid integer"),
    ],
)
def test_invalid_configuration_names_the_field(tmp_path, mutate, field, reason):
    path = write_config(tmp_path, mutate)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert f"{field}: " in message
    assert reason in message


def test_missing_and_malformed_files_are_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("region = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_environment_variable_overrides_the_default_file(tmp_path, monkeypatch):
    path = write_config(tmp_path, lambda c: c.update(environment="dev_alt"))
    monkeypatch.setenv("STACKGUARD_CONFIG", str(path))
    assert load_config().environment == "dev_alt"


def test_every_name_the_shipped_configuration_makes_is_one_aws_accepts(platform_config: PlatformConfig):
    made = platform_config.made_names()
    assert [name for _, check, name in made if check(name)] == []
    assert ("security group", "devmin-demo-services") in {(what, name) for what, _, name in made}
    assert platform_config.confluent_parameter_name("api_key") == "/devmin/dev_min/confluent/api_key"


@pytest.mark.parametrize("constraint", ["6.25.0", "5.100.0", "~> 5.100", ">= 5.100, < 7", "= 6.0.0-beta1"])
def test_provider_version_constraints_terraform_reads(tmp_path, constraint):
    path = write_config(tmp_path, lambda c: c["tooling"].update(aws_provider_version=constraint))
    assert load_config(path).tooling.aws_provider_version == constraint

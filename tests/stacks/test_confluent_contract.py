"""demo reads confluent through exactly one explicit contract, never both."""

from __future__ import annotations

import json

import pytest

from stackguard.synth import synthesize
from stacks.confluent import CONTRACT_OUTPUTS

MANUAL = {
    "bootstrap_servers": "/shared/kafka/bootstrap",
    "api_key": "/shared/kafka/key",
    "api_secret": "/shared/kafka/secret",
}


@pytest.fixture(scope="module")
def manual_demo(tmp_path_factory, platform_config) -> dict:
    raw = platform_config.model_dump(mode="json")
    raw["demo"] |= {"confluent_source": "manual", "manual_parameters": MANUAL}
    config = type(platform_config).model_validate(raw)
    outdir = tmp_path_factory.mktemp("manual") / "cdktf.out"
    synthesize(config, outdir)
    return json.loads((outdir / "stacks/demo/cdk.tf.json").read_text())


def container_of(demo: dict) -> dict:
    (task,) = demo["resource"]["aws_ecs_task_definition"].values()
    (container,) = json.loads(task["container_definitions"])
    return container


def test_confluent_publishes_every_output_the_contract_names(stacks):
    outputs = stacks["confluent"]["output"]
    assert set(CONTRACT_OUTPUTS) <= set(outputs)
    assert outputs["kafka_api_secret"]["sensitive"] is True
    assert outputs["kafka_api_key"]["sensitive"] is True


def test_remote_state_mode_reads_the_confluent_state_key_only(stacks, platform_config):
    demo = stacks["demo"]
    assert set(demo["data"]) == {"terraform_remote_state"}
    (remote,) = demo["data"]["terraform_remote_state"].values()
    assert remote["backend"] == "s3"
    assert remote["config"] == {
        "bucket": platform_config.backend.state_bucket,
        "key": "dev_min/confluent/terraform.tfstate",
        "region": platform_config.region,
    }
    container = container_of(demo)
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == (
        "${data.terraform_remote_state.confluent_state.outputs.bootstrap_endpoint}"
    )


def test_manual_mode_reads_ssm_names_and_no_remote_state(manual_demo):
    assert "terraform_remote_state" not in manual_demo["data"]
    parameters = manual_demo["data"]["aws_ssm_parameter"]
    assert {p["name"] for p in parameters.values()} == set(MANUAL.values())
    secrets = {item["name"]: item["valueFrom"] for item in container_of(manual_demo)["secrets"]}
    assert secrets["KAFKA_API_KEY"] == "${data.aws_ssm_parameter.confluent_api_key.arn}"
    assert "terraform_remote_state" not in json.dumps(manual_demo)


def test_secrets_reach_tasks_by_reference_never_by_value(stacks):
    container = container_of(stacks["demo"])
    secret_names = {item["name"] for item in container["secrets"]}
    assert secret_names == {"KAFKA_API_KEY", "KAFKA_API_SECRET", "DB_CREDENTIALS"}
    env_names = {item["name"] for item in container["environment"]}
    assert not env_names & secret_names
    for parameter in stacks["confluent"]["resource"]["aws_ssm_parameter"].values():
        assert parameter["type"] == "SecureString"


def test_confluent_resources_use_the_declared_provider(stacks):
    confluent = stacks["confluent"]
    required = confluent["terraform"]["required_providers"]["confluent"]
    assert required["source"] == "confluentinc/confluent"
    expected = {
        "confluent_environment",
        "confluent_kafka_cluster",
        "confluent_service_account",
        "confluent_role_binding",
        "confluent_api_key",
        "confluent_kafka_topic",
    }
    declared = {t for t in confluent["resource"] if t.startswith("confluent_")}
    assert declared == expected
    cluster = next(iter(confluent["resource"]["confluent_kafka_cluster"].values()))
    assert cluster["basic"] == {} and cluster["availability"] == "SINGLE_ZONE"
    topics = {t["topic_name"] for t in confluent["resource"]["confluent_kafka_topic"].values()}
    assert topics == {"demo.events", "demo.audit"}

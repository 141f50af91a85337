"""Sensitive values from real plans never reach the inventory."""

from __future__ import annotations

import pytest

from guards.documents import load_plan, load_synth
from guards.documents.sensitivity import SENSITIVE
from tests.conftest import corpus_file

# (file, address, attribute, the secret value in the file)
REAL_SECRETS = [
    (
        "AWS_RealEstate__terraform_plan.json",
        "module.rds.aws_db_instance.airflow_db",
        "password",
        "airflow123!",
    ),
    (
        "TEAM3-INFRA-FRAME__infra_tfplan.json",
        "module.rds.aws_db_instance.app_rds",
        "password",
        "T3am3!Mysql#Appdata2026",
    ),
]


@pytest.mark.parametrize(("name", "address", "attribute", "secret"), REAL_SECRETS)
def test_sensitive_leaf_never_reaches_values(
    name: str, address: str, attribute: str, secret: str
) -> None:
    path = corpus_file(name)
    raw = path.read_bytes()
    encoded = secret.encode("utf-16-le") if raw.startswith(b"\xff\xfe") else secret.encode()
    assert encoded in raw, "the fixture must really hold the secret"

    inventory = load_plan(path)

    assert secret not in repr(inventory)
    resource = next(r for r in inventory.resources if r.address == address)
    assert attribute in resource.sensitive_paths
    assert SENSITIVE in repr(resource.values[attribute])


def test_sensitive_attribute_keeps_its_neighbours() -> None:
    """Only the marked attribute is hidden. (The same value also sits, unmarked by its provider, in
    `random_id.postgres.hex`: only what Terraform marks can be hidden in a plan.)"""
    inventory = load_plan(corpus_file("cyse7125-infra-aws__infra_tfplan.json"))
    secret = next(
        r for r in inventory.resources if r.address == "module.db.kubernetes_secret.postgresql"
    )
    assert secret.values["data"] == SENSITIVE  # the whole map is marked
    assert "metadata" in secret.values and "metadata" not in secret.sensitive_paths


def test_deleted_resource_is_masked_by_before_sensitive() -> None:
    inventory = load_plan(
        corpus_file("tirith__tests_providers_terraform_plan_fixtures_input_s3_destroy.json")
    )
    bucket = next(
        r for r in inventory.resources if r.address == "module.s3_bucket.aws_s3_bucket.this[0]"
    )
    assert bucket.values["acl"] == SENSITIVE
    assert bucket.values["tags"] == SENSITIVE
    assert bucket.values["bucket"] != SENSITIVE
    assert {"acl", "tags"} <= bucket.sensitive_paths


def test_literal_provider_credentials_in_synth_are_hidden() -> None:
    inventory = load_synth(corpus_file("multi-cloud-k8s-boilerplate__cdktf.out_stacks_dev_cdk.tf.json"))
    aws = inventory.providers["dev"]["aws"]
    assert aws["access_key"] == SENSITIVE
    assert aws["secret_key"] == ""  # empty: nothing to hide, and a rule may see it is unset
    assert "AKIA5EZUTDHMR45HQYKA" not in repr(inventory)

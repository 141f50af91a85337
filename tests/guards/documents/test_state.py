"""State parsing: raw state v4 (as in the S3 backend), show-json state, backend caches."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guards.documents import InputError, parse_document_bytes
from guards.documents.sensitivity import SENSITIVE
from guards.documents.state import provider_key


def load(document: Any, **kwargs: Any):
    return parse_document_bytes(json.dumps(document).encode(), "terraform.tfstate", **kwargs)


def raw_state(*resources: dict[str, Any], version: int = 4) -> dict[str, Any]:
    return {
        "version": version,
        "terraform_version": "1.9.8",
        "serial": 3,
        "lineage": "l",
        "outputs": {"db_password": {"value": "out-secret", "type": "string", "sensitive": True}},
        "resources": list(resources),
        "check_results": None,
    }


DB = {
    "module": 'module.data["eu.west"]',
    "mode": "managed",
    "type": "aws_db_instance",
    "name": "main",
    "provider": 'provider["registry.terraform.io/hashicorp/aws"].west',
    "instances": [
        {
            "index_key": 0,
            "schema_version": 2,
            "attributes": {
                "arn": "arn:aws:rds:eu-west-1:123456789012:db:main",
                "password": "db-secret",
                "parameters": [
                    {"name": "a", "value": "param-secret"},
                    {"name": "b", "value": "visible"},
                ],
                "tags": {"Team": "core"},
            },
            "sensitive_attributes": [
                [{"type": "get_attr", "value": "password"}],
                [
                    {"type": "get_attr", "value": "parameters"},
                    {"type": "index", "value": {"value": 0, "type": "number"}},
                    {"type": "get_attr", "value": "value"},
                ],
            ],
            "private": "cHJpdmF0ZQ==",
        },
        {"index_key": 1, "attributes": {"arn": "arn:aws:rds:eu-west-1:123456789012:db:second"}},
    ],
}


def test_raw_state_v4_instances() -> None:
    inventory = load(raw_state(DB), stack="core", expect="state")
    first, second = inventory.resources
    assert first.address == 'module.data["eu.west"].aws_db_instance.main[0]'
    assert second.address == 'module.data["eu.west"].aws_db_instance.main[1]'
    assert (first.source, first.action, first.stack, first.provider) == (
        "state",
        None,
        "core",
        "aws.west",
    )
    assert (first.arn, first.region) == ("arn:aws:rds:eu-west-1:123456789012:db:main", "eu-west-1")
    assert first.subject == first.arn
    assert first.values["password"] == SENSITIVE
    assert first.values["parameters"] == [
        {"name": "a", "value": SENSITIVE},
        {"name": "b", "value": "visible"},
    ]
    assert first.sensitive_paths == {"password", "parameters"}
    assert inventory.stacks == ["core"]
    text = repr(inventory)
    assert "db-secret" not in text and "param-secret" not in text and "out-secret" not in text


def test_unrecognized_sensitive_path_hides_every_value() -> None:
    resource = {
        **DB,
        "instances": [
            {"attributes": {"a": "1", "b": "2"}, "sensitive_attributes": [[{"type": "new_step"}]]}
        ],
    }
    (only,) = load(raw_state(resource)).resources
    assert only.values == {"a": SENSITIVE, "b": SENSITIVE}


def test_sensitive_path_into_a_scalar_hides_that_attribute() -> None:
    paths = [[{"type": "get_attr", "value": "a"}, {"type": "get_attr", "value": "inner"}]]
    resource = {
        **DB,
        "instances": [{"attributes": {"a": "flat", "b": "2"}, "sensitive_attributes": paths}],
    }
    (only,) = load(raw_state(resource)).resources
    assert only.values == {"a": SENSITIVE, "b": "2"}


@pytest.mark.parametrize("version", [3, 5])
def test_other_raw_state_versions_are_refused_naming_the_version(version: int) -> None:
    with pytest.raises(InputError, match=f"raw terraform state version {version} is not supported"):
        load(raw_state(version=version))


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ('provider["registry.terraform.io/hashicorp/aws"]', "aws"),
        ('provider["registry.terraform.io/hashicorp/aws"].us-east-1', "aws.us-east-1"),
        ('module.child.provider["registry.terraform.io/hashicorp/null"]', "null"),
        ("provider.aws.west", "aws.west"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_provider_key_of_a_state_entry(address: str | None, key: str | None) -> None:
    assert provider_key(address, "resources[0].provider") == key


def test_show_json_state_masks_by_sensitive_values() -> None:
    document = {
        "format_version": "1.0",
        "terraform_version": "1.9.8",
        "values": {
            "outputs": {"x": {"value": "out-secret", "sensitive": True}},
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.kafka",
                        "resources": [
                            {
                                "address": "module.kafka.aws_secretsmanager_secret_version.key",
                                "mode": "managed",
                                "type": "aws_secretsmanager_secret_version",
                                "name": "key",
                                "provider_name": "registry.terraform.io/hashicorp/aws",
                                "values": {
                                    "secret_string": "api-secret",
                                    "arn": "arn:aws:secretsmanager:us-east-1:1:secret:k",
                                },
                                "sensitive_values": {"secret_string": True},
                            }
                        ],
                    }
                ]
            },
        },
    }
    (resource,) = load(document, expect="state").resources
    assert resource.address == "module.kafka.aws_secretsmanager_secret_version.key"
    assert resource.values["secret_string"] == SENSITIVE
    assert resource.arn == "arn:aws:secretsmanager:us-east-1:1:secret:k"
    assert "api-secret" not in repr(resource)


def test_empty_show_json_state_is_an_empty_inventory() -> None:
    assert load({"format_version": "1.0"}, expect="state").resources == []
    with pytest.raises(InputError, match="this is terraform state JSON, not a plan"):
        load({"format_version": "1.0"}, expect="plan")


def test_backend_cache_keeps_explicit_nulls_and_hides_credentials() -> None:
    cache = {
        "version": 3,
        "backend": {
            "type": "s3",
            "config": {"bucket": "b", "dynamodb_table": None, "secret_key": "sk-secret"},
            "hash": 1,
        },
    }
    inventory = load(cache, stack="core", expect="state")
    (backend,) = inventory.backends
    assert (backend.stack, backend.type) == ("core", "s3")
    assert backend.config == {"bucket": "b", "dynamodb_table": None, "secret_key": SENSITIVE}
    assert inventory.resources == []


@pytest.mark.parametrize(
    ("document", "phrase"),
    [
        ({"version": 3, "backend": {"config": {}}}, "backend.type must be a string, found null"),
        ({"version": 3, "backend": []}, "backend must be an object, found a list"),
        (raw_state({**DB, "instances": {}}), r"resources\[0\]\.instances must be a list"),
        (raw_state({**DB, "type": None}), r"resources\[0\]\.type must be a string"),
        (
            raw_state({**DB, "instances": [{"attributes": [], "index_key": 0}]}),
            r"instances\[0\]\.attributes must be an object",
        ),
        ({"version": "4", "resources": []}, "version must be a number"),
    ],
)
def test_malformed_state_is_refused(document: dict[str, Any], phrase: str) -> None:
    with pytest.raises(InputError, match=phrase):
        load(document, expect="state")

"""Systematic companion of the property tests: every node of small real documents, replaced by
every JSON type in turn, still gives an Inventory or an InputError."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from guards.documents import InputError, parse_document_bytes
from tests.conftest import ACTIVE, CORPUS, needs_corpus

SMALL_DOCUMENTS = [
    "checkov__tests_terraform_runner_resources_plan_forget_action_tfplan.json",
    "checkov__tests_terraform_runner_resources_plan_with_deleted_resources_tfplan.json",
    "tfcompliance__tests_functional_test_issue_796_plan.out.json",
    "nonstandard/tf-gatekeeper__test_plans_tfplan_red.json",
    "s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json",
    "shrimanwar92-cdktf-poc__examples_cdktf.out_stacks_cdktf-project_cdk.tf.json",
    "vpc-module-test__.terraform_terraform.tfstate.json",
]
SHOW_JSON_STATE = {
    "format_version": "1.0",
    "values": {
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.b",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "b",
                    "values": {"arn": "arn:aws:s3:::b", "tags": {"a": "1"}},
                    "sensitive_values": {"tags": {}},
                },
            ],
            "child_modules": [
                {
                    "address": "module.m",
                    "resources": [
                        {
                            "address": "module.m.aws_vpc.v[0]",
                            "mode": "managed",
                            "type": "aws_vpc",
                            "name": "v",
                            "index": 0,
                            "values": {"cidr_block": "10.0.0.0/16"},
                        },
                    ],
                }
            ],
        }
    },
}
RAW_STATE = {
    "version": 4,
    "lineage": "l",
    "resources": [
        {
            "module": "module.m",
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "db",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [
                {
                    "index_key": "a",
                    "attributes": {"password": "p", "list": [{"v": 1}]},
                    "sensitive_attributes": [
                        [{"type": "get_attr", "value": "password"}],
                        [
                            {"type": "get_attr", "value": "list"},
                            {"type": "index", "value": {"value": 0, "type": "number"}},
                        ],
                    ],
                }
            ],
        },
    ],
}
REPLACEMENTS: list[Any] = [
    None,
    True,
    False,
    7,
    -1,
    2.5,
    "x",
    "${var.x}",
    [],
    {},
    [1, "a"],
    {"a": {"b": True}},
]


def node_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, child in node.items():
            yield from node_paths(child, (*path, key))
    elif isinstance(node, list):
        for position, child in enumerate(node):
            yield from node_paths(child, (*path, position))


def replaced(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = replaced(node[path[0]], path[1:], value)
    return copy


def documents() -> Iterator[Any]:
    for name in SMALL_DOCUMENTS:
        if ACTIVE.has(name):
            yield name, json.loads((CORPUS / name).read_text())
        else:  # skipped, naming the file
            yield pytest.param(name, None, marks=needs_corpus(name))
    yield "show-json-state", SHOW_JSON_STATE
    yield "raw-state", RAW_STATE


@pytest.mark.parametrize(
    ("name", "document"),
    list(documents()),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_node_replaced_by_every_type(name: str, document: Any) -> None:
    outcomes = {"parsed": 0, "refused": 0}
    for path in node_paths(document):
        for value in REPLACEMENTS:
            data = json.dumps(replaced(document, path, value)).encode()
            try:
                parse_document_bytes(data, name)
                outcomes["parsed"] += 1
            except InputError as error:
                assert "\n" not in str(error)
                outcomes["refused"] += 1
    assert outcomes["parsed"] and outcomes["refused"]

"""cdk.tf.json parsing on small hand-made documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guards.documents import InputError, collect_synth, load_document, load_synth
from guards.documents.sensitivity import SENSITIVE


def stack_document(**sections: Any) -> dict[str, Any]:
    return {"//": {"metadata": {"stackName": "demo", "backend": "s3"}}, **sections}


def nat(**block: Any) -> dict[str, Any]:
    return stack_document(
        resource={"aws_nat_gateway": {"nat": {"//": {"metadata": {}}, "subnet_id": "s-1", **block}}}
    )


def addresses(document: dict[str, Any]) -> list[str]:
    return [r.address for r in collect_synth(document, "demo").resources]


def test_count_token_gives_one_resource_with_unknown_count() -> None:
    (resource,) = collect_synth(nat(count="${var.nat_count}"), "demo").resources
    assert resource.count_unknown is True
    assert resource.index is None
    assert resource.address == "aws_nat_gateway.nat"
    assert "count" not in resource.values and "//" not in resource.values


def test_count_zero_gives_no_resource() -> None:
    assert addresses(nat(count=0)) == []


def test_count_three_gives_three_instances_indexed_from_zero() -> None:
    resources = collect_synth(nat(count=3), "demo").resources
    assert [(r.index, r.count_unknown) for r in resources] == [(0, False), (1, False), (2, False)]
    assert addresses(nat(count=3)) == [f"aws_nat_gateway.nat[{i}]" for i in range(3)]


def test_count_as_a_numeric_string_is_a_literal() -> None:
    assert len(addresses(nat(count="2"))) == 2


def test_for_each_literal_map_gives_one_instance_per_key() -> None:
    resources = collect_synth(
        nat(for_each={"a.example.com": {"x": 1}, "b": {"x": 2}}), "demo"
    ).resources
    assert [r.index for r in resources] == ["a.example.com", "b"]
    assert resources[0].address == 'aws_nat_gateway.nat["a.example.com"]'


def test_for_each_literal_set_of_strings_gives_one_instance_per_element() -> None:
    assert [r.index for r in collect_synth(nat(for_each=["x", "y", "x"]), "demo").resources] == [
        "x",
        "y",
    ]


@pytest.mark.parametrize("for_each", ["${toset(var.zones)}", ["${var.zone}", "b"]])
def test_for_each_token_gives_one_resource_with_unknown_count(for_each: Any) -> None:
    (resource,) = collect_synth(nat(for_each=for_each), "demo").resources
    assert resource.count_unknown is True


@pytest.mark.parametrize(
    ("block", "phrase"),
    [
        ({"count": -1}, "must not be negative"),
        ({"count": True}, "count must be a whole number or an expression, found a boolean"),
        ({"count": "three"}, "count must be a whole number or an expression"),
        ({"for_each": 3}, "for_each must be a map, a set of strings or an expression"),
        ({"for_each": [1, 2]}, r"for_each\[0\] must be a string"),
        ({"count": 2, "for_each": {"a": 1}}, "sets both count and for_each"),
    ],
)
def test_malformed_count_and_for_each_are_refused(block: dict[str, Any], phrase: str) -> None:
    with pytest.raises(InputError, match=phrase):
        collect_synth(nat(**block), "demo")


def test_tokens_are_kept_as_strings_and_listed_as_unknown() -> None:
    (resource,) = collect_synth(
        nat(allocation_id="${aws_eip.nat.id}", tags={"Name": "${var.name}"}), "demo"
    ).resources
    assert resource.values["allocation_id"] == "${aws_eip.nat.id}"
    assert resource.unknown_values == {"allocation_id", "tags"}
    assert resource.values["subnet_id"] == "s-1"


def test_data_sources_and_provider_aliases() -> None:
    document = stack_document(
        provider={"aws": [{"region": "eu-west-1"}, {"alias": "use1", "region": "us-east-1"}]},
        data={"aws_caller_identity": {"me": {}}},
        resource={"aws_acm_certificate": {"cert": {"provider": "aws.use1", "domain_name": "x"}}},
    )
    inventory = collect_synth(document, "demo")
    assert inventory.providers == {
        "demo": {"aws": {"region": "eu-west-1"}, "aws.use1": {"region": "us-east-1"}}
    }
    certificate, identity = inventory.resources  # resources first, then data sources
    assert (identity.mode, identity.address, identity.region) == (
        "data",
        "data.aws_caller_identity.me",
        "eu-west-1",
    )
    assert (certificate.provider, certificate.region) == ("aws.use1", "us-east-1")


def test_module_call_inputs_leave_out_meta_arguments() -> None:
    document = stack_document(
        module={
            "vpc": {
                "//": {"metadata": {}},
                "source": "terraform-aws-modules/vpc/aws",
                "version": "5.1.0",
                "providers": {"aws": "aws.west"},
                "depends_on": ["x"],
                "count": 1,
                "enable_nat_gateway": "${var.nat}",
                "single_nat_gateway": True,
                "password": "hunter2",
            }
        }
    )
    (call,) = collect_synth(document, "demo").module_calls
    assert (call.name, call.source, call.version, call.stack) == (
        "vpc",
        "terraform-aws-modules/vpc/aws",
        "5.1.0",
        "demo",
    )
    assert call.inputs == {
        "enable_nat_gateway": "${var.nat}",
        "single_nat_gateway": True,
        "password": SENSITIVE,
    }
    assert call.address == "module.vpc" and not call.is_local


def test_module_without_source_is_refused() -> None:
    with pytest.raises(InputError, match=r"module.vpc.source must be a string, found null"):
        collect_synth(stack_document(module={"vpc": {"cidr": "10.0.0.0/16"}}), "demo")


@pytest.mark.parametrize(
    ("terraform", "backend_type", "config"),
    [
        (
            {"backend": {"s3": {"bucket": "b", "use_lockfile": True, "//": {}}}},
            "s3",
            {"bucket": "b", "use_lockfile": True},
        ),
        (
            {"cloud": {"organization": "o", "workspaces": {"name": "w"}}},
            "cloud",
            {"organization": "o", "workspaces": {"name": "w"}},
        ),
        ({"required_providers": {}}, None, {}),
        (
            {"backend": {"s3": {"bucket": "b", "secret_key": "abc", "access_key": "${var.k}"}}},
            "s3",
            {"bucket": "b", "secret_key": SENSITIVE, "access_key": "${var.k}"},
        ),
    ],
)
def test_backend_block(
    terraform: dict[str, Any], backend_type: str | None, config: dict[str, Any]
) -> None:
    (backend,) = collect_synth(stack_document(terraform=terraform), "demo").backends
    assert (backend.stack, backend.type, backend.config) == ("demo", backend_type, config)


def test_backend_and_cloud_together_are_refused() -> None:
    with pytest.raises(InputError, match="both a backend and a cloud block"):
        collect_synth(stack_document(terraform={"backend": {"local": {}}, "cloud": {}}), "demo")


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def test_cdktf_out_directory_names_stacks_by_directory(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    write(out / "stacks" / "core" / "cdk.tf.json", nat(count=1))
    write(
        out / "stacks" / "demo" / "cdk.tf.json",
        stack_document(terraform={"backend": {"local": {}}}),
    )
    inventory = load_synth(out)
    assert inventory.stacks == ["core", "demo"]
    assert [(b.stack, b.type) for b in inventory.backends] == [("core", None), ("demo", "local")]
    assert [(r.stack, r.address) for r in inventory.resources] == [
        ("core", "aws_nat_gateway.nat[0]")
    ]
    assert set(inventory.input_digests) == {
        str(out / "stacks" / name / "cdk.tf.json") for name in ("core", "demo")
    }
    assert load_document(out) == inventory


def test_single_file_is_named_by_metadata_then_by_its_directory(tmp_path: Path) -> None:
    named = write(tmp_path / "a" / "cdk.tf.json", nat())
    assert load_synth(named).stacks == ["demo"]
    unnamed = write(tmp_path / "b" / "cdk.tf.json", {"resource": {"aws_vpc": {"v": {}}}})
    assert load_synth(unnamed).stacks == ["b"]


def test_directory_without_stacks_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"contains no stacks/<stack>/cdk.tf.json; run `cdktf synth`"
    ):
        load_synth(tmp_path)


def test_bad_stack_file_names_that_file(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    bad = out / "stacks" / "broken" / "cdk.tf.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"resource": ')
    with pytest.raises(InputError) as refusal:
        load_synth(out)
    assert str(refusal.value).startswith(f"{bad}: is not valid JSON")

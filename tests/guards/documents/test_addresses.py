"""The address parser used when a hand-written plan leaves out mode/name/index."""

from __future__ import annotations

import pytest

from guards.documents.addresses import AddressError, ResourceAddress, parse_address


@pytest.mark.parametrize(
    ("address", "parsed"),
    [
        ("aws_nat_gateway.nat", ResourceAddress("", "managed", "aws_nat_gateway", "nat", None)),
        ("aws_nat_gateway.nat[2]", ResourceAddress("", "managed", "aws_nat_gateway", "nat", 2)),
        (
            'aws_route53_zone.example["example.com"]',
            ResourceAddress("", "managed", "aws_route53_zone", "example", "example.com"),
        ),
        ("data.aws_ami.ubuntu", ResourceAddress("", "data", "aws_ami", "ubuntu", None)),
        (
            "module.vpc.aws_nat_gateway.this[0]",
            ResourceAddress("module.vpc", "managed", "aws_nat_gateway", "this", 0),
        ),
        (
            'module.eks.module.eks_managed_node_group["worker"].aws_eks_node_group.this[0]',
            ResourceAddress(
                'module.eks.module.eks_managed_node_group["worker"]',
                "managed",
                "aws_eks_node_group",
                "this",
                0,
            ),
        ),
        (
            "module.outer[0].module.inner.data.aws_x.y",
            ResourceAddress("module.outer[0].module.inner", "data", "aws_x", "y", None),
        ),
        (
            'module.data.aws_x.y["a]b.c"]',
            ResourceAddress("module.data", "managed", "aws_x", "y", "a]b.c"),
        ),
        ('aws_x.y["quote\\"d"]', ResourceAddress("", "managed", "aws_x", "y", 'quote"d')),
    ],
)
def test_addresses_respect_brackets_and_quoted_keys(address: str, parsed: ResourceAddress) -> None:
    assert parse_address(address) == parsed


@pytest.mark.parametrize(
    "address",
    [
        "",
        ".",
        "aws_x",
        "aws_x.y.z",
        "aws_x[0].y",
        'aws_x.y["open',
        "aws_x.y[1",
        "aws_x.y[one]",
        "module.m",
        "data.x",
        "aws_x..y",
    ],
)
def test_malformed_addresses_are_rejected(address: str) -> None:
    with pytest.raises(AddressError):
        parse_address(address)

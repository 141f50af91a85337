"""The estimator over hand-built inventories, against figures computed by hand from the
shipped price table (eu-west-2, 730 hours a month)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guards.documents import InputError, load_document
from guards.estimate import estimate, load_prices
from guards.inventory import Inventory, Resource
from tests.corpus import ACTIVE

TABLE = load_prices()


def resource(type_: str, name: str = "this", stack: str | None = "core", **values) -> Resource:
    return Resource(stack=stack, type=type_, name=name, source="synth", values=values)


def platform(stack: str = "core", **service) -> Inventory:
    """One Fargate service (0.25 vCPU, 0.5 GB, no public IP), one db.t4g.micro with 20 GB
    gp3, two Elastic IPs."""
    return Inventory(
        stacks=[stack],
        resources=[
            resource("aws_ecs_task_definition", "task", stack, cpu="256", memory="512", requires_compatibilities=["FARGATE"]),
            resource(
                "aws_ecs_service", "api", stack,
                **{
                    "launch_type": "FARGATE", "desired_count": 1, "task_definition": "${aws_ecs_task_definition.task.arn}",
                    "network_configuration": {"assign_public_ip": False}, **service,
                },
            ),
            resource("aws_db_instance", "db", stack, instance_class="db.t4g.micro", allocated_storage=20, storage_type="gp3"),
            resource("aws_eip", "a", stack),
            resource("aws_eip", "b", stack),
        ],
    )


def figures(inventory: Inventory, policy) -> dict[tuple[str, str], str | None]:
    [stack] = estimate(inventory, policy, TABLE).stacks
    return {(line.address, line.billed): line.as_json()["monthly_usd"] for line in stack.lines}


def test_the_table_is_dated_and_every_price_names_its_source():
    assert TABLE.region == "eu-west-2" and TABLE.hours_per_month == 730 and TABLE.as_of.year >= 2026
    assert "list prices as of" in TABLE.disclaimer and "not billing data" in TABLE.disclaimer
    for key, price in TABLE.price.items():
        assert price.source.startswith("https://"), key
    for key in ("db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t3.micro", "db.t3.small"):
        assert f"rds.{key}" in TABLE.price
    assert {"nat.gateway", "lb.application", "lb.network", "vpce.interface"} <= {k for k, p in TABLE.price.items() if p.usage}


def test_hand_computed_lines_and_total(policy):
    assert figures(platform(), policy) == {
        ("aws_ecs_service.api", "Fargate vCPU"): "8.50",  # 0.25 * 0.04656 * 730 = 8.4972
        ("aws_ecs_service.api", "Fargate memory"): "1.87",  # 0.5 * 0.00511 * 730 = 1.86515
        ("aws_db_instance.db", "RDS db.t4g.micro"): "13.14",  # 0.018 * 730
        ("aws_db_instance.db", "RDS storage gp3"): "2.66",  # 20 * 0.133
        ("aws_eip.a", "public IPv4 (EIP)"): "3.65",  # 0.005 * 730
        ("aws_eip.b", "public IPv4 (EIP)"): "3.65",
    }
    result = estimate(platform(), policy, TABLE)
    assert result.always_on_usd == Decimal("33.46235")
    assert result.details()["stacks"]["core"] == {"lifecycle": "persistent", "monthly_usd": "33.46", "complete": True}


def test_public_tasks_multi_az_and_default_storage(policy):
    inventory = platform(desired_count=2, network_configuration=[{"assign_public_ip": True}])
    inventory.resources[2] = resource("aws_db_instance", "db", instance_class="db.t3.small", allocated_storage=100, multi_az=True)
    got = figures(inventory, policy)
    assert got[("aws_ecs_service.api", "public IPv4 (tasks)")] == "7.30"  # two tasks, one address each
    assert got[("aws_ecs_service.api", "Fargate vCPU")] == "16.99"  # 2 * 8.4972
    assert got[("aws_db_instance.db", "RDS db.t3.small")] == "61.32"  # 2 * 0.042 * 730
    assert got[("aws_db_instance.db", "RDS storage gp2")] == "26.60"  # gp2 by default, 200 GB over two AZs


def test_unknowns_are_never_zero(policy):
    inventory = platform(desired_count="${var.count}")
    inventory.resources.append(resource("aws_db_instance", "big", instance_class="db.r6g.large", allocated_storage=10))
    [stack] = estimate(inventory, policy, TABLE).stacks
    unknown = {(line.address, line.billed) for line in stack.unknown}
    assert unknown == {
        ("aws_ecs_service.api", "Fargate vCPU"),
        ("aws_ecs_service.api", "Fargate memory"),
        ("aws_db_instance.big", "RDS db.r6g.large"),
    }
    assert not stack.complete and stack.summary()["complete"] is False


def test_what_does_not_bill_after_apply_is_left_out(policy):
    inventory = Inventory(stacks=["core"], resources=[
        Resource(stack="core", type="aws_nat_gateway", name="old", source="plan", action="delete"),
        Resource(stack="core", type="aws_nat_gateway", name="kept", source="plan", action="forget"),
        Resource(stack="core", type="aws_vpc_endpoint", name="s3", source="plan", values={"vpc_endpoint_type": "Gateway"}),
        Resource(stack="core", type="aws_vpc_endpoint", name="ssm", source="plan",
                 values={"vpc_endpoint_type": "Interface", "subnet_ids": ["a", "b"]}),
    ])
    assert figures(inventory, policy) == {
        ("aws_nat_gateway.kept", "NAT gateway hour"): "36.50",  # forgotten: unmanaged, still billing
        ("aws_vpc_endpoint.ssm", "interface endpoint AZs"): "16.06",  # 2 * 0.011 * 730
    }


def test_own_synth(stacks, synth_dir, policy):
    result = estimate(load_document(synth_dir), policy, TABLE)
    totals = {s.stack: s.summary()["monthly_usd"] for s in result.stacks}
    assert totals == {"confluent": "0.00", "core": "0.00", "demo": "29.81"}
    assert result.always_on_usd == 0 and all(s.complete for s in result.stacks)


@pytest.mark.parametrize("name", ACTIVE.documents())
def test_every_corpus_document_is_estimated_or_refused(name, policy):
    """The estimator takes whatever the parsers produce; what they refuse stays refused."""
    try:
        inventory = load_document(ACTIVE.root / name)
    except InputError:
        return
    result = estimate(inventory, policy, TABLE)
    for stack in result.stacks:
        assert stack.total_usd >= 0

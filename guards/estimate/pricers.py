"""What each billed resource type costs by the hour or the month, one function per kind.

Only fixed charges are estimated (an hour of a NAT gateway, a GB-month of RDS storage);
charges by use (GB processed, LCUs, requests, S3 objects) are listed, never guessed. A
value known only after apply leaves the quantity unknown, never zero.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from guards.estimate.model import Line
from guards.estimate.prices import PriceTable
from guards.inventory import Resource
from guards.values import UNKNOWN, attribute, first_block

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Context:
    """What a pricer may look up besides its own resource."""

    table: PriceTable
    task_definitions: tuple[Resource, ...] = ()


def line(ctx: Context, resource: Resource, key: str, billed: str, quantity: Decimal | None, note: str = "") -> Line:
    """A line priced from the table; an unknown quantity or a missing key has no figure."""
    price = ctx.table.price.get(key)
    if price is None:
        missing = f"{key} is not in the price table"
        return Line(resource.address, key, billed, quantity, "", None, "", None, f"{note}; {missing}" if note else missing)
    monthly = None if quantity is None else ctx.table.monthly(key, quantity)
    return Line(resource.address, key, billed, quantity, price.unit, price.usd, price.per, monthly, note)


def _number(value: Any) -> Decimal | None:
    if value is UNKNOWN or isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


_SIZE = re.compile(r"^\s*([0-9.]+)\s*(vcpu|gb)?\s*$", re.IGNORECASE)


def task_vcpu(value: Any) -> Decimal | None:
    """`"256"` CPU units (1024 a vCPU) or `"0.25 vCPU"`."""
    match = _SIZE.match(str(value)) if value is not UNKNOWN and value is not None else None
    number = _number(match.group(1)) if match else None
    if number is None:
        return None
    return number if match and match.group(2) else number / 1024


def task_gb(value: Any) -> Decimal | None:
    """`"512"` MiB or `"0.5 GB"`."""
    match = _SIZE.match(str(value)) if value is not UNKNOWN and value is not None else None
    number = _number(match.group(1)) if match else None
    if number is None:
        return None
    return number if match and match.group(2) else number / 1024


_TASK_REFERENCE = re.compile(r"aws_ecs_task_definition\.([A-Za-z0-9_-]+)")


def _task_definition(service: Resource, ctx: Context) -> Resource | None:
    """The service's task definition: by reference (synth), by family or ARN (plan), or the
    only one beside it in its stack and module; None when it cannot be told."""
    here = [t for t in ctx.task_definitions if (t.stack, t.module_path) == (service.stack, service.module_path)]
    value = service.values.get("task_definition")
    if isinstance(value, str) and (match := _TASK_REFERENCE.search(value)):
        named = [t for t in here if t.name == match.group(1)]
        return named[0] if len(named) == 1 else None
    if isinstance(value, str) and value and "${" not in value and "task_definition" not in service.unknown_values:
        family = value.rsplit("/", 1)[-1].split(":", 1)[0]
        same = [t for t in ctx.task_definitions if t.values.get("family") == family]
        return same[0] if len(same) == 1 else None
    return here[0] if len(here) == 1 else None


def _is_fargate(service: Resource, task: Resource | None) -> bool:
    launch = attribute(service, "launch_type")
    if isinstance(launch, str):
        return launch.upper() == "FARGATE"
    strategy = service.values.get("capacity_provider_strategy")
    providers = [first_block(s).get("capacity_provider") for s in strategy] if isinstance(strategy, list) else []
    if providers:
        return any(isinstance(p, str) and p.startswith("FARGATE") for p in providers)
    needs = task.values.get("requires_compatibilities") if task else None
    return isinstance(needs, list) and "FARGATE" in needs


def ecs_service(resource: Resource, ctx: Context) -> list[Line]:
    """Fargate tasks: vCPU and memory by the hour, a public IPv4 per task that has one."""
    task = _task_definition(resource, ctx)
    if not _is_fargate(resource, task):
        return []  # EC2 launch type: the instances bill, under their own types
    desired = None if resource.count_unknown else _number(attribute(resource, "desired_count", 0))
    vcpu = task_vcpu(attribute(task, "cpu")) if task else None
    memory = task_gb(attribute(task, "memory")) if task else None
    times = (lambda size: None if desired is None or size is None else desired * size)
    note = "" if task else "task definition not found: size unknown"
    lines = [
        line(ctx, resource, "fargate.vcpu", "Fargate vCPU", times(vcpu), note),
        line(ctx, resource, "fargate.memory", "Fargate memory", times(memory), note),
    ]
    network = first_block(resource.values.get("network_configuration"))
    public = network.get("assign_public_ip")
    if public is UNKNOWN or (isinstance(public, str) and "${" in public):
        lines.append(line(ctx, resource, "ipv4.public", "public IPv4 (tasks)", None, "assign_public_ip unknown"))
    elif _truthy(public):
        lines.append(line(ctx, resource, "ipv4.public", "public IPv4 (tasks)", desired))
    return lines


def db_instance(resource: Resource, ctx: Context) -> list[Line]:
    """An RDS instance hour (two with Multi-AZ) and its storage by the GB-month."""
    instance_class, engine = attribute(resource, "instance_class"), attribute(resource, "engine")
    copies = Decimal(2) if _truthy(attribute(resource, "multi_az")) else ONE
    note = "Multi-AZ: two instances" if copies == 2 else ""
    if isinstance(engine, str) and engine.startswith("aurora"):
        return [line(ctx, resource, "rds.aurora", "Aurora instance", copies, "Aurora is priced per cluster")]
    key = f"rds.{instance_class}" if isinstance(instance_class, str) else "rds.(unknown class)"
    lines = [line(ctx, resource, key, f"RDS {instance_class if isinstance(instance_class, str) else 'instance'}", copies, note)]
    storage = _number(attribute(resource, "allocated_storage"))
    kind = attribute(resource, "storage_type")
    kind = kind if isinstance(kind, str) or kind is UNKNOWN else ("io1" if resource.values.get("iops") else "gp2")
    key = f"rds.storage.{kind}" if isinstance(kind, str) else "rds.storage.(unknown type)"
    lines.append(line(ctx, resource, key, f"RDS storage {kind if isinstance(kind, str) else ''}".strip(),
                      None if storage is None else storage * copies))
    if _truthy(attribute(resource, "publicly_accessible")):
        lines.append(line(ctx, resource, "ipv4.public", "public IPv4 (RDS)", ONE))
    return lines


def fixed(key: str, billed: str) -> Callable[[Resource, Context], list[Line]]:
    """One unit of `key` per instance of the resource."""
    return lambda resource, ctx: [line(ctx, resource, key, billed, ONE)]


def load_balancer(resource: Resource, ctx: Context) -> list[Line]:
    kind = attribute(resource, "load_balancer_type", "application")
    if resource.type == "aws_elb":
        return [line(ctx, resource, "lb.classic", "Classic LB hour", ONE)]
    if not isinstance(kind, str):
        return [line(ctx, resource, "lb.(unknown type)", "load balancer hour", ONE)]
    return [line(ctx, resource, f"lb.{kind or 'application'}", f"{kind or 'application'} LB hour", ONE)]


def vpc_endpoint(resource: Resource, ctx: Context) -> list[Line]:
    """Interface endpoints bill per AZ (one per subnet); Gateway endpoints are free."""
    kind = attribute(resource, "vpc_endpoint_type", "Gateway")
    if kind == "Gateway" or kind is None:
        return []
    subnets = attribute(resource, "subnet_ids")
    known = isinstance(subnets, list) and not any(isinstance(s, str) and "${" in s for s in subnets)
    # Only Interface endpoints are in the table; any other kind is priced as unknown.
    key = "vpce.interface" if kind == "Interface" else f"vpce.{kind if isinstance(kind, str) else '(unknown type)'}"
    return [line(ctx, resource, key, "interface endpoint AZs", Decimal(len(subnets)) if known else None)]


def kafka_cluster(resource: Resource, ctx: Context) -> list[Line]:
    """A Confluent cluster: Basic has a table entry; other kinds are unpriced."""
    for kind in ("basic", "standard", "enterprise", "dedicated", "freight"):
        if resource.values.get(kind) not in (None, [], False):
            return [line(ctx, resource, f"confluent.{kind}", f"Confluent {kind} cluster", ONE)]
    return [line(ctx, resource, "confluent.(unknown kind)", "Confluent cluster", ONE)]


PRICERS: dict[str, Callable[[Resource, Context], list[Line]]] = {
    "aws_ecs_service": ecs_service,
    "aws_db_instance": db_instance,
    "aws_eip": fixed("ipv4.public", "public IPv4 (EIP)"),
    "aws_nat_gateway": fixed("nat.gateway", "NAT gateway hour"),
    "aws_lb": load_balancer,
    "aws_alb": load_balancer,
    "aws_elb": load_balancer,
    "aws_eks_cluster": fixed("eks.cluster", "EKS control plane"),
    "aws_vpc_endpoint": vpc_endpoint,
    "aws_kms_key": fixed("kms.key", "KMS key"),
    "aws_kms_replica_key": fixed("kms.key", "KMS key"),
    "confluent_kafka_cluster": kafka_cluster,
}

#: Types that bill by the hour whatever they do, but are not in the table: a line without
#: a figure, so the total says it is a lower bound.
UNPRICED: dict[str, str] = {
    t: "instance hour"
    for t in (
        "aws_instance", "aws_spot_instance_request", "aws_autoscaling_group", "aws_eks_node_group",
        "aws_ec2_fleet", "aws_spot_fleet_request", "aws_rds_cluster_instance", "aws_elasticache_cluster",
        "aws_elasticache_replication_group", "aws_msk_cluster", "aws_opensearch_domain",
        "aws_elasticsearch_domain", "aws_redshift_cluster", "aws_docdb_cluster_instance",
        "aws_neptune_cluster_instance", "aws_mq_broker", "aws_globalaccelerator_accelerator",
        "aws_globalaccelerator_custom_routing_accelerator", "aws_dms_replication_instance",
        "aws_ec2_client_vpn_endpoint", "aws_vpn_connection", "aws_transfer_server",
    )
}

#: Types that bill only by use: named in the estimate, never summed.
USAGE_ONLY: dict[str, str] = {
    "aws_s3_bucket": "storage and requests",
    "aws_dynamodb_table": "requests and storage (on demand)",
    "aws_ecr_repository": "image storage per GB-month",
    "aws_cloudwatch_log_group": "ingestion and storage",
    "aws_sns_topic": "requests and deliveries",
    "aws_sqs_queue": "requests",
    "aws_lambda_function": "requests and duration",
}


def price_resource(resource: Resource, ctx: Context) -> tuple[list[Line], list[str]]:
    """The lines of one resource, and what it bills by use (not estimated)."""
    pricer = PRICERS.get(resource.type)
    if pricer is not None:
        lines = pricer(resource, ctx)
        if resource.count_unknown:  # one Resource stands for an unknown number of instances
            lines = [
                dataclasses.replace(item, quantity=None, monthly_usd=None, note="count known only after apply")
                for item in lines
            ]
        prices = [ctx.table.price.get(item.key) for item in lines]
        usage = dict.fromkeys(price.usage for price in prices if price is not None and price.usage)
        return lines, [f"{resource.address}: {text}" for text in usage]
    if resource.type in UNPRICED:
        quantity = None if resource.count_unknown else ONE
        return [line(ctx, resource, resource.type, UNPRICED[resource.type], quantity)], []
    if resource.type in USAGE_ONLY:
        return [], [f"{resource.address}: {USAGE_ONLY[resource.type]}"]
    return [], []

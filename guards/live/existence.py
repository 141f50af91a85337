"""Whether what the tagging API lists still exists, asked of each resource's own service.

The Resource Groups Tagging API keeps listing deregistered ECS task definitions, deleted
clusters and other recently deleted resources under their old tags, so after every real
teardown it reports residuals that are gone. Each listed resource whose type is known here
is described by its own service; the answer is a `Confirmation` (exists, gone, or
unreadable with the IAM action and error code), judged elsewhere. A type with no describe
here gets none and still counts as there (fail-closed). One call per resource: a teardown
leaves few, and a batch with one id gone fails whole in EC2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import ClientError

from foundation.aws import ClientFactory, FailedCall, calling, error_code, pages
from guards.live_facts import Confirmation, TaggedResource

Answer = tuple[str, str | None] | None
"""(state, what the service said), or None when this resource cannot be asked."""


def _not_found_codes(*codes: str) -> Callable[[ClientError], bool]:
    return lambda exc: error_code(exc) in codes


def _ec2_not_found(exc: ClientError) -> bool:
    return error_code(exc).endswith(".NotFound")  # InvalidVpcID.NotFound, InvalidGroup.NotFound, ...


def _task_definition_not_found(exc: ClientError) -> bool:
    # ECS answers a task definition it does not know with a bare ClientException.
    message = str(exc.response.get("Error", {}).get("Message", "")).lower()
    return error_code(exc) == "ClientException" and "unable to describe task definition" in message


@dataclass(frozen=True)
class _Describe:
    service: str  # boto3 client name
    method: str  # the IAM action, named in every error
    ask: Callable[[Any, str, str], Answer]  # (client, resource id, ARN)
    not_found: Callable[[ClientError], bool]  # an error that says the resource is gone


def _task_definition(ecs: Any, _: str, arn: str) -> Answer:
    status = (ecs.describe_task_definition(taskDefinition=arn).get("taskDefinition") or {}).get("status")
    return ("gone" if status in ("INACTIVE", "DELETE_IN_PROGRESS") else "exists"), status


def _ecs_status(answer: dict[str, Any], key: str, gone: tuple[str, ...]) -> Answer:
    for described in answer.get(key) or []:
        status = described.get("status")
        return ("gone" if status in gone else "exists"), status
    reasons = [failure.get("reason") for failure in answer.get("failures") or []]
    return ("gone", "MISSING") if reasons == ["MISSING"] else ("unreadable", ",".join(map(str, reasons)) or "no answer")


def _cluster(ecs: Any, _: str, arn: str) -> Answer:
    return _ecs_status(ecs.describe_clusters(clusters=[arn]), "clusters", ("INACTIVE",))


def _service(ecs: Any, ident: str, arn: str) -> Answer:
    if "/" not in ident:  # the old ARN format does not name the cluster
        return None
    cluster = ident.split("/", 1)[0]
    return _ecs_status(ecs.describe_services(cluster=cluster, services=[arn]), "services", ("DRAINING", "INACTIVE"))


def _log_group(logs: Any, ident: str, _: str) -> Answer:
    name = ident.removesuffix(":*")
    method = "logs:DescribeLogGroups"
    listed = pages(logs, "describe_log_groups", "logGroups", method=method, logGroupNamePrefix=name)
    return ("exists", None) if any(group.get("logGroupName") == name for group in listed) else ("gone", "not listed")


def _ec2(operation: str, ids: str) -> Callable[[Any, str, str], Answer]:
    def ask(ec2: Any, ident: str, _: str) -> Answer:
        described = getattr(ec2, operation)(**{ids: [ident]})
        found = [value for key, value in described.items() if key != "ResponseMetadata" and value]
        return ("exists", None) if found else ("gone", "not listed")

    return ask


def _db_instance(rds: Any, ident: str, _: str) -> Answer:
    instances = rds.describe_db_instances(DBInstanceIdentifier=ident).get("DBInstances") or []
    return ("exists", instances[0].get("DBInstanceStatus")) if instances else ("gone", "not listed")


def _db_subnet_group(rds: Any, ident: str, _: str) -> Answer:
    groups = rds.describe_db_subnet_groups(DBSubnetGroupName=ident).get("DBSubnetGroups") or []
    return ("exists", None) if groups else ("gone", "not listed")


def _parameter(ssm: Any, ident: str, _: str) -> Answer:
    # The ARN drops a name's leading "/": ask for both spellings. Values are never read.
    names = {"Key": "Name", "Option": "Equals", "Values": [ident, f"/{ident}"]}
    found = list(pages(ssm, "describe_parameters", "Parameters", method="ssm:DescribeParameters", ParameterFilters=[names]))
    return ("exists", None) if found else ("gone", "not listed")


def _secret(secrets: Any, _: str, arn: str) -> Answer:
    described = secrets.describe_secret(SecretId=arn)
    # A secret scheduled for deletion is no longer billed and goes by itself.
    return ("gone", "scheduled for deletion") if described.get("DeletedDate") else ("exists", None)


DESCRIBES: dict[tuple[str, str], _Describe] = {
    ("ecs", "task-definition"): _Describe(
        "ecs", "ecs:DescribeTaskDefinition", _task_definition, _task_definition_not_found
    ),
    ("ecs", "cluster"): _Describe("ecs", "ecs:DescribeClusters", _cluster, _not_found_codes("ClusterNotFoundException")),
    ("ecs", "service"): _Describe(
        "ecs", "ecs:DescribeServices", _service, _not_found_codes("ClusterNotFoundException", "ServiceNotFoundException")
    ),
    ("logs", "log-group"): _Describe("logs", "logs:DescribeLogGroups", _log_group, _not_found_codes("ResourceNotFoundException")),
    ("ec2", "vpc"): _Describe("ec2", "ec2:DescribeVpcs", _ec2("describe_vpcs", "VpcIds"), _ec2_not_found),
    ("ec2", "subnet"): _Describe("ec2", "ec2:DescribeSubnets", _ec2("describe_subnets", "SubnetIds"), _ec2_not_found),
    ("ec2", "security-group"): _Describe(
        "ec2", "ec2:DescribeSecurityGroups", _ec2("describe_security_groups", "GroupIds"), _ec2_not_found
    ),
    ("ec2", "internet-gateway"): _Describe(
        "ec2", "ec2:DescribeInternetGateways", _ec2("describe_internet_gateways", "InternetGatewayIds"), _ec2_not_found
    ),
    ("ec2", "route-table"): _Describe(
        "ec2", "ec2:DescribeRouteTables", _ec2("describe_route_tables", "RouteTableIds"), _ec2_not_found
    ),
    ("rds", "db"): _Describe("rds", "rds:DescribeDBInstances", _db_instance, _not_found_codes("DBInstanceNotFound")),
    ("rds", "subgrp"): _Describe(
        "rds", "rds:DescribeDBSubnetGroups", _db_subnet_group, _not_found_codes("DBSubnetGroupNotFoundFault")
    ),
    ("ssm", "parameter"): _Describe("ssm", "ssm:DescribeParameters", _parameter, _not_found_codes("ParameterNotFound")),
    ("secretsmanager", "secret"): _Describe(
        "secretsmanager", "secretsmanager:DescribeSecret", _secret, _not_found_codes("ResourceNotFoundException")
    ),
}
#: Every IAM action the confirmation may call, for the catalog and docs/teardown.md.
IAM_ACTIONS = tuple(sorted({describe.method for describe in DESCRIBES.values()}))


def resource_kind(arn: str) -> tuple[str, str, str] | None:
    """(service, resource type, resource id) of an ARN, e.g. ("ecs", "cluster", "demo")."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    resource = parts[5]
    cut = min((at for at in (resource.find("/"), resource.find(":")) if at >= 0), default=-1)
    if cut < 0:
        return None
    return parts[2], resource[:cut], resource[cut + 1 :]


def _confirm(clients: ClientFactory, item: TaggedResource) -> Confirmation | None:
    kind = resource_kind(item.arn)
    describe = DESCRIBES.get(kind[:2]) if kind else None
    if kind is None or describe is None:
        return None
    try:
        with calling(describe.method):
            answer = describe.ask(clients(describe.service, item.region), kind[2], item.arn)
    except FailedCall as failed:
        cause = failed.cause
        gone = isinstance(cause, ClientError) and describe.not_found(cause)
        return Confirmation("gone" if gone else "unreadable", describe.method, error_code(cause))
    if answer is None:
        return None
    state, said = answer
    return Confirmation(state, describe.method, said)  # type: ignore[arg-type]


def confirm_existence(clients: ClientFactory, tagged: Iterable[TaggedResource]) -> list[TaggedResource]:
    """Each listed resource with its own service's word on whether it still exists.
    Never raises: a describe that fails is an `unreadable` confirmation (an ERROR later)."""
    return [replace(item, confirmation=_confirm(clients, item)) for item in tagged]

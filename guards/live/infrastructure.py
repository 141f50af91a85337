"""What is really running: billed infrastructure in the live account, as inventory resources.

Each record carries the Terraform type the rules already know (`aws_nat_gateway`,
`aws_lb`, ...), its ARN, region and tags, and the stack its `stack` tag names, so the same
pure rules judge the live account as judge synth output and plans. Only I/O lives here:
every list call is paginated, and every failed call becomes an ERROR finding under the
code of the check it prevented (AccessDenied is not a pass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from foundation.aws import ClientFactory, FailedCall, call, calling, chunks, pages
from guards import catalog
from guards.findings import Finding, error
from guards.inventory import Resource
from guards.live.errors import api_error

STACK_TAG = "stack"
#: NAT gateway states that bill; `deleting`, `deleted` and `failed` do not.
BILLED_NAT_STATES = ("pending", "available")
#: Batch limits of the describe calls that take lists of ids.
ELB_TAG_BATCH = 20
ECS_DESCRIBE_BATCH = 10


class _Account:
    """The caller's account id, for ARNs that EC2 and classic ELB do not return.

    Read once (lazily, only if something needs naming) with sts:GetCallerIdentity; a
    failure is remembered, so every family that needed it reports it, without a retry storm.
    """

    def __init__(self, clients: ClientFactory) -> None:
        self._clients = clients
        self._id: str | None = None
        self._failure: Exception | None = None

    def id(self, region: str) -> str:
        if self._failure is not None:
            raise FailedCall("sts:GetCallerIdentity", self._failure)
        if self._id is None:
            try:
                with calling("sts:GetCallerIdentity"):
                    identity = self._clients("sts", region).get_caller_identity()
            except FailedCall as failed:
                self._failure = failed.cause
                raise
            self._id = identity["Account"]
        return self._id


@dataclass(frozen=True)
class _Scan:
    """One region being scanned."""

    clients: ClientFactory
    region: str
    account: _Account

    def client(self, service: str) -> Any:
        with calling(f"{service}:<client>"):
            return self.clients(service, self.region)

    def arn(self, client: Any, service: str, resource: str) -> str:
        """An ARN in the region's partition (aws, aws-cn, aws-us-gov) and the caller's account."""
        account = self.account.id(self.region)
        return f"arn:{client.meta.partition}:{service}:{self.region}:{account}:{resource}"


def _tags(pairs: list[dict[str, Any]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {pair[key]: pair.get(value, "") for pair in pairs or [] if key in pair}


def _resource(
    scan: _Scan, type_: str, name: str, arn: str, tags: dict[str, str], /, **values: Any
) -> Resource:
    """A live resource under its Terraform type; its stack is what its `stack` tag says."""
    return Resource(
        stack=tags.get(STACK_TAG) or None,
        type=type_,
        name=name,
        source="live",
        values={**values, "arn": arn, "tags": tags, "tags_all": tags},
        arn=arn,
        region=scan.region,
    )


def _nat_gateways(scan: _Scan) -> Iterator[Resource | Finding]:
    ec2 = scan.client("ec2")
    billed = [{"Name": "state", "Values": list(BILLED_NAT_STATES)}]
    method = "ec2:DescribeNatGateways"
    for nat in pages(ec2, "describe_nat_gateways", "NatGateways", method=method, Filter=billed):
        if nat.get("State") not in BILLED_NAT_STATES:  # the server filtered; check anyway
            continue
        nat_id = nat["NatGatewayId"]
        arn = scan.arn(ec2, "ec2", f"natgateway/{nat_id}")
        yield _resource(
            scan, "aws_nat_gateway", nat_id, arn, _tags(nat.get("Tags")),
            id=nat_id,
            state=nat["State"],
            subnet_id=nat.get("SubnetId"),
            vpc_id=nat.get("VpcId"),
            connectivity_type=nat.get("ConnectivityType", "public"),
        )


def _load_balancers(scan: _Scan) -> Iterator[Resource | Finding]:
    elbv2 = scan.client("elbv2")
    method = "elasticloadbalancing:DescribeLoadBalancers"
    balancers = list(pages(elbv2, "describe_load_balancers", "LoadBalancers", method=method))
    arns = [balancer["LoadBalancerArn"] for balancer in balancers]
    tags: dict[str, dict[str, str]] = {}
    for batch in chunks(arns, ELB_TAG_BATCH):
        described = call(
            elbv2, "describe_tags", method="elasticloadbalancing:DescribeTags", ResourceArns=list(batch)
        )
        for description in described.get("TagDescriptions") or []:
            tags[description["ResourceArn"]] = _tags(description.get("Tags"))
    for balancer in balancers:
        arn, name = balancer["LoadBalancerArn"], balancer["LoadBalancerName"]
        yield _resource(
            scan, "aws_lb", name, arn, tags.get(arn, {}),
            name=name,
            load_balancer_type=balancer.get("Type"),
            internal=balancer.get("Scheme") == "internal",
            dns_name=balancer.get("DNSName"),
        )


def _classic_load_balancers(scan: _Scan) -> Iterator[Resource | Finding]:
    elb = scan.client("elb")
    method = "elasticloadbalancing:DescribeLoadBalancers"
    balancers = list(pages(elb, "describe_load_balancers", "LoadBalancerDescriptions", method=method))
    names = [balancer["LoadBalancerName"] for balancer in balancers]
    tags: dict[str, dict[str, str]] = {}
    for batch in chunks(names, ELB_TAG_BATCH):
        described = call(
            elb, "describe_tags", method="elasticloadbalancing:DescribeTags", LoadBalancerNames=list(batch)
        )
        for description in described.get("TagDescriptions") or []:
            tags[description["LoadBalancerName"]] = _tags(description.get("Tags"))
    for balancer in balancers:
        name = balancer["LoadBalancerName"]
        arn = scan.arn(elb, "elasticloadbalancing", f"loadbalancer/{name}")
        yield _resource(
            scan, "aws_elb", name, arn, tags.get(name, {}),
            name=name,
            internal=balancer.get("Scheme") == "internal",
            dns_name=balancer.get("DNSName"),
        )


def _undescribed(failure: dict[str, Any], cluster: str) -> Finding:
    """A service ECS listed but would not describe: its desired count is not known."""
    return error(
        catalog.ALWAYS_ON_FLEET,
        failure.get("arn") or cluster,
        None,
        f"ecs:DescribeServices failed for it with {failure.get('reason')}: "
        "the check could not run (fail-closed)",
    )


def _ecs_services(scan: _Scan) -> Iterator[Resource | Finding]:
    ecs = scan.client("ecs")
    for cluster in pages(ecs, "list_clusters", "clusterArns", method="ecs:ListClusters"):
        listed = pages(ecs, "list_services", "serviceArns", method="ecs:ListServices", cluster=cluster)
        for batch in chunks(list(listed), ECS_DESCRIBE_BATCH):
            described = call(
                ecs, "describe_services", method="ecs:DescribeServices",
                cluster=cluster, services=list(batch), include=["TAGS"],
            )
            for failure in described.get("failures") or []:
                if failure.get("reason") != "MISSING":  # MISSING: deleted since it was listed
                    yield _undescribed(failure, cluster)
            for service in described.get("services") or []:
                desired = service.get("desiredCount", 0)
                if desired > 0:
                    yield _resource(
                        scan, "aws_ecs_service", service["serviceName"], service["serviceArn"],
                        _tags(service.get("tags"), "key", "value"),
                        name=service["serviceName"],
                        cluster=cluster,
                        desired_count=desired,
                        launch_type=service.get("launchType"),
                        status=service.get("status"),
                    )


def _autoscaling_groups(scan: _Scan) -> Iterator[Resource | Finding]:
    autoscaling = scan.client("autoscaling")
    method = "autoscaling:DescribeAutoScalingGroups"
    for group in pages(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups", method=method):
        min_size, desired = group.get("MinSize", 0), group.get("DesiredCapacity", 0)
        if min_size > 0 or desired > 0:
            name = group["AutoScalingGroupName"]
            yield _resource(
                scan, "aws_autoscaling_group", name, group["AutoScalingGroupARN"], _tags(group.get("Tags")),
                name=name,
                min_size=min_size,
                desired_capacity=desired,
                max_size=group.get("MaxSize"),
            )


def _db_instances(scan: _Scan) -> Iterator[Resource | Finding]:
    rds = scan.client("rds")
    for instance in pages(rds, "describe_db_instances", "DBInstances", method="rds:DescribeDBInstances"):
        arn, identifier = instance["DBInstanceArn"], instance["DBInstanceIdentifier"]
        tag_list = instance.get("TagList")
        if tag_list is None:  # older API versions leave tags out of the description
            method = "rds:ListTagsForResource"
            tag_list = call(rds, "list_tags_for_resource", method=method, ResourceName=arn)["TagList"]
        yield _resource(
            scan, "aws_db_instance", identifier, arn, _tags(tag_list),
            identifier=identifier,
            instance_class=instance.get("DBInstanceClass"),
            engine=instance.get("Engine"),
            status=instance.get("DBInstanceStatus"),
        )


def _is_attached(address: dict[str, Any]) -> bool:
    return bool(address.get("AssociationId") or address.get("InstanceId") or address.get("NetworkInterfaceId"))


def _unattached_addresses(scan: _Scan) -> Iterator[Resource | Finding]:
    ec2 = scan.client("ec2")
    # DescribeAddresses has no pagination: one response holds every address of the region.
    addresses = call(ec2, "describe_addresses", method="ec2:DescribeAddresses").get("Addresses") or []
    for address in addresses:
        if _is_attached(address):
            continue
        address_id = address.get("AllocationId") or address["PublicIp"]
        arn = scan.arn(ec2, "ec2", f"elastic-ip/{address_id}")
        yield _resource(
            scan, "aws_eip", address_id, arn, _tags(address.get("Tags")),
            id=address_id,
            public_ip=address.get("PublicIp"),
            domain=address.get("Domain"),
            associated=False,
        )


@dataclass(frozen=True)
class _Family:
    code: catalog.Code  # the check that cannot run when this family's calls fail
    collect: Callable[[_Scan], Iterator[Resource | Finding]]


FAMILIES = (
    _Family(catalog.FORBIDDEN_NAT_GATEWAY, _nat_gateways),
    _Family(catalog.FORBIDDEN_LOAD_BALANCER, _load_balancers),
    _Family(catalog.FORBIDDEN_LOAD_BALANCER, _classic_load_balancers),
    _Family(catalog.ALWAYS_ON_FLEET, _ecs_services),
    _Family(catalog.ALWAYS_ON_FLEET, _autoscaling_groups),
    _Family(catalog.RESIDUAL_RESOURCE, _db_instances),
    _Family(catalog.RESIDUAL_RESOURCE, _unattached_addresses),
)


def collect_infrastructure(
    clients: ClientFactory, regions: list[str]
) -> tuple[list[Resource], list[Finding]]:
    """Billed infrastructure in every region, and an ERROR for every call that failed.

    A family whose call fails keeps what it read before the failure; the ERROR blocks,
    so a partial read can never pass.
    """
    account = _Account(clients)
    resources: list[Resource] = []
    findings: list[Finding] = []
    for region in regions:
        scan = _Scan(clients, region, account)
        for family in FAMILIES:
            try:
                for item in family.collect(scan):
                    (resources if isinstance(item, Resource) else findings).append(item)
            except FailedCall as failed:
                findings.append(api_error(family.code, failed.method, region, failed.cause))
    return resources, findings

"""Live infrastructure collector against moto over HTTP: exact resources, exact failing ARNs."""

from __future__ import annotations

from collections import Counter

import boto3

from foundation.aws import client_factory
from guards.findings import Finding, Status
from guards.inventory import Inventory, Resource
from guards.live.infrastructure import collect_infrastructure
from guards.policy import load_policy
from guards.rules.cost import always_on_services, forbidden_resources
from tests.conftest import REPO_ROOT
from tests.support.refusals import refuse

HOME, OTHER = "eu-west-2", "us-east-1"
ACCOUNT = "123456789012"  # moto's


def _tag_list(**tags: str) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _subnets(ec2, region: str, count: int = 1) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{'abc'[i]}")[
            "Subnet"
        ]["SubnetId"]
        for i in range(count)
    ]


def _nat(ec2, subnet: str, **tags: str) -> str:
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    spec = [{"ResourceType": "natgateway", "Tags": _tag_list(**tags)}] if tags else []
    return ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation, TagSpecifications=spec)[
        "NatGateway"
    ]["NatGatewayId"]


def _launch_configuration(autoscaling) -> None:
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )


def _group(autoscaling, name: str, subnet: str, *, minimum: int, desired: int) -> None:
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name, LaunchConfigurationName="lc", MinSize=minimum, MaxSize=2,
        DesiredCapacity=desired, VPCZoneIdentifier=subnet,
        Tags=[{"Key": "stack", "Value": "demo", "PropagateAtLaunch": True}],
    )


def _group_arn(autoscaling, name: str) -> str:
    (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return group["AutoScalingGroupARN"]


def _seed(aws: boto3.Session) -> dict[str, set[tuple[str, str, str | None, str]]]:
    """The account of the issue: NATs in two regions, load balancers, fleets, a DB, an EIP.

    Returns the expected live resources as (type, arn, stack, region), and the ARNs the
    forbidden-resources rule must fail.
    """
    ec2, ec2_other = aws.client("ec2", region_name=HOME), aws.client("ec2", region_name=OTHER)
    subnet_a, subnet_b = _subnets(ec2, HOME, 2)
    (subnet_other,) = _subnets(ec2_other, OTHER)

    nat_home = _nat(ec2, subnet_a, stack="demo", lifecycle="ephemeral")
    nat_other = _nat(ec2_other, subnet_other)
    ec2.delete_nat_gateway(NatGatewayId=_nat(ec2, subnet_b, stack="demo"))  # deleted: not billed

    alb = aws.client("elbv2").create_load_balancer(
        Name="demo-alb", Subnets=[subnet_a, subnet_b], Tags=_tag_list(stack="demo")
    )["LoadBalancers"][0]["LoadBalancerArn"]
    aws.client("elb").create_load_balancer(
        LoadBalancerName="legacy", AvailabilityZones=[f"{HOME}a"], Tags=_tag_list(stack="core"),
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
    )

    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="demo")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    service = ecs.create_service(
        cluster="demo", serviceName="app", taskDefinition="app", desiredCount=2,
        tags=[{"key": "stack", "value": "demo"}, {"key": "lifecycle", "value": "ephemeral"}],
    )["service"]["serviceArn"]
    ecs.create_service(cluster="demo", serviceName="idle", taskDefinition="app", desiredCount=0)

    autoscaling = aws.client("autoscaling")
    _launch_configuration(autoscaling)
    _group(autoscaling, "scaled-to-zero", subnet_a, minimum=0, desired=0)
    _group(autoscaling, "running", subnet_a, minimum=0, desired=1)
    running = _group_arn(autoscaling, "running")

    database = aws.client("rds").create_db_instance(
        DBInstanceIdentifier="demo-db", DBInstanceClass="db.t4g.micro", Engine="postgres",
        MasterUsername="app", MasterUserPassword="not-a-secret-0000", AllocatedStorage=20,
        Tags=_tag_list(stack="demo"),
    )["DBInstance"]["DBInstanceArn"]
    loose_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]

    nat_home_arn = f"arn:aws:ec2:{HOME}:{ACCOUNT}:natgateway/{nat_home}"
    nat_other_arn = f"arn:aws:ec2:{OTHER}:{ACCOUNT}:natgateway/{nat_other}"
    elb_arn = f"arn:aws:elasticloadbalancing:{HOME}:{ACCOUNT}:loadbalancer/legacy"
    return {
        "resources": {
            ("aws_nat_gateway", nat_home_arn, "demo", HOME),
            ("aws_nat_gateway", nat_other_arn, None, OTHER),
            ("aws_lb", alb, "demo", HOME),
            ("aws_elb", elb_arn, "core", HOME),
            ("aws_ecs_service", service, "demo", HOME),
            ("aws_autoscaling_group", running, "demo", HOME),
            ("aws_db_instance", database, "demo", HOME),
            ("aws_eip", f"arn:aws:ec2:{HOME}:{ACCOUNT}:elastic-ip/{loose_eip}", None, HOME),
        },
        "forbidden": {nat_home_arn, nat_other_arn, alb, elb_arn, running},
    }


def _blocking(findings: list[Finding]) -> set[str]:
    return {finding.subject for finding in findings if finding.blocks}


def _by_type(resources: list[Resource], type_: str) -> Resource:
    (found,) = [resource for resource in resources if resource.type == type_]
    return found


def test_collects_exactly_the_billed_infrastructure_and_the_rules_fail_its_arns(aws):
    expected = _seed(aws)
    policy = load_policy(REPO_ROOT / "policy.toml")

    resources, errors = collect_infrastructure(client_factory(aws), [HOME, OTHER])

    assert errors == []
    assert {(r.type, r.arn, r.stack, r.region) for r in resources} == expected["resources"]
    assert {r.source for r in resources} == {"live"}
    inventory = Inventory(resources=resources)
    assert _blocking(forbidden_resources(inventory, policy)) == expected["forbidden"]
    assert _blocking(always_on_services(inventory, policy)) == set()  # demo is ephemeral


def test_records_carry_what_the_rules_read(aws):
    _seed(aws)
    resources, _ = collect_infrastructure(client_factory(aws), [HOME])

    service = _by_type(resources, "aws_ecs_service")
    assert (service.name, service.values["desired_count"]) == ("app", 2)
    assert service.values["tags_all"] == {"stack": "demo", "lifecycle": "ephemeral"}
    group = _by_type(resources, "aws_autoscaling_group")
    assert (group.name, group.values["min_size"], group.values["desired_capacity"]) == ("running", 0, 1)
    assert _by_type(resources, "aws_lb").values["load_balancer_type"] == "application"
    assert _by_type(resources, "aws_nat_gateway").values["state"] == "available"
    assert _by_type(resources, "aws_eip").values["associated"] is False
    assert _by_type(resources, "aws_db_instance").values["tags_all"] == {"stack": "demo"}


def test_an_untagged_service_in_no_known_stack_is_an_always_on_fleet(aws):
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="shared")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}])
    arn = ecs.create_service(cluster="shared", serviceName="orphan", taskDefinition="app", desiredCount=1)[
        "service"
    ]["serviceArn"]

    resources, errors = collect_infrastructure(client_factory(aws), [HOME])

    assert errors == []
    assert _blocking(always_on_services(Inventory(resources=resources), load_policy(REPO_ROOT / "policy.toml"))) == {arn}


def test_a_clean_account_yields_nothing(aws):
    assert collect_infrastructure(client_factory(aws), [HOME, OTHER]) == ([], [])


def test_access_denied_is_an_error_naming_the_method_not_a_pass(aws):
    ec2 = aws.client("ec2")
    _nat(ec2, _subnets(ec2, HOME)[0])
    refuse(aws, "ec2.DescribeNatGateways", "AccessDenied")

    resources, errors = collect_infrastructure(client_factory(aws), [HOME])

    assert [r.type for r in resources] == []
    assert len(errors) == 1
    (denied,) = errors
    assert (denied.code, denied.status, denied.subject) == (
        "forbidden-nat-gateway", Status.ERROR, f"ec2:DescribeNatGateways@{HOME}"
    )
    assert "AccessDenied" in denied.message and denied.blocks


#: A refused operation -> the (code, method) ERRORs it must cause, and nothing else.
REFUSALS: dict[str, set[tuple[str, str]]] = {
    "elastic-load-balancing-v2.DescribeLoadBalancers": {
        ("forbidden-load-balancer", "elasticloadbalancing:DescribeLoadBalancers")
    },
    "elastic-load-balancing-v2.DescribeTags": {("forbidden-load-balancer", "elasticloadbalancing:DescribeTags")},
    "elastic-load-balancing.DescribeTags": {("forbidden-load-balancer", "elasticloadbalancing:DescribeTags")},
    "ecs.ListClusters": {("always-on-fleet", "ecs:ListClusters")},
    "ecs.ListServices": {("always-on-fleet", "ecs:ListServices")},
    "ecs.DescribeServices": {("always-on-fleet", "ecs:DescribeServices")},
    "auto-scaling.DescribeAutoScalingGroups": {("always-on-fleet", "autoscaling:DescribeAutoScalingGroups")},
    "rds.DescribeDBInstances": {("residual-resource", "rds:DescribeDBInstances")},
    "ec2.DescribeAddresses": {("residual-resource", "ec2:DescribeAddresses")},
    "sts.GetCallerIdentity": {  # the account names NAT, classic ELB and EIP ARNs; read once
        ("forbidden-nat-gateway", "sts:GetCallerIdentity"),
        ("forbidden-load-balancer", "sts:GetCallerIdentity"),
        ("residual-resource", "sts:GetCallerIdentity"),
    },
}


def test_each_refused_call_blocks_exactly_the_check_it_serves(aws):
    _seed(aws)  # once: each refusal gets a fresh session over the same seeded account
    for event, expected in REFUSALS.items():
        session = boto3.Session(region_name=HOME)
        refuse(session, event, "AccessDenied")

        _, errors = collect_infrastructure(client_factory(session), [HOME])

        assert {(e.code, e.subject) for e in errors} == {
            (code, f"{method}@{HOME}") for code, method in expected
        }, event
        assert all(e.status is Status.ERROR and e.blocks and "AccessDenied" in e.message for e in errors)


def _counted_collect(regions: list[str]) -> Counter[str]:
    """API calls of one collection, by `service.Operation`, counted at botocore's before-call."""
    calls: Counter[str] = Counter()
    session = boto3.Session(region_name=HOME)
    session.events.register(
        "before-call", lambda event_name, **_: calls.update([event_name.removeprefix("before-call.")])
    )
    collect_infrastructure(client_factory(session), regions)
    return calls


def test_api_calls_grow_with_pages_not_with_resources(aws):
    ec2, autoscaling = aws.client("ec2"), aws.client("autoscaling")
    (subnet,) = _subnets(ec2, HOME)
    _launch_configuration(autoscaling)

    def seed(groups: range, nats: int) -> None:
        for i in groups:
            _group(autoscaling, f"g{i:03}", subnet, minimum=0, desired=0)
        for _ in range(nats):
            _nat(ec2, subnet)

    seed(range(10), nats=1)
    few = _counted_collect([HOME])
    seed(range(10, 120), nats=39)
    many = _counted_collect([HOME])

    print(f"\n10 groups + 1 NAT: {sum(few.values())} calls {dict(few)}")
    print(f"120 groups + 40 NATs: {sum(many.values())} calls {dict(many)}")
    # moto pages autoscaling groups 50 at a time: 1 page, then 3; nothing else grows.
    assert (few["auto-scaling.DescribeAutoScalingGroups"], many["auto-scaling.DescribeAutoScalingGroups"]) == (1, 3)
    assert many - few == Counter({"auto-scaling.DescribeAutoScalingGroups": 2})
    assert few["ec2.DescribeNatGateways"] == many["ec2.DescribeNatGateways"] == 1
    assert many["sts.GetCallerIdentity"] == 1  # read once, however many ARNs it names

"""Live collectors at scale: API calls for an account of 2,000 resources in two regions.

Starts moto in server mode on a loopback port, seeds 1,000 resources per region
(autoscaling groups, NAT gateways, Elastic IPs and ECS services), runs the infrastructure
collector over both regions, and prints the calls it made by operation: they grow with
pages, not with resources one by one.

    .venv/bin/python -m benchmarks.bench_live_calls [--per-region 1000]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import time
from collections import Counter

import boto3

from foundation.aws import client_factory
from guards.live.infrastructure import collect_infrastructure

REGIONS = ("eu-west-2", "us-east-1")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed_region(session: boto3.Session, region: str, count: int) -> None:
    """count resources: 70 % autoscaling groups, 10 % NATs, 10 % EIPs, 10 % ECS services."""
    ec2, autoscaling, ecs = (session.client(s, region_name=region) for s in ("ec2", "autoscaling", "ecs"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/16", AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
    autoscaling.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t4g.nano")
    cluster = ecs.create_cluster(clusterName="bench")["cluster"]["clusterArn"]
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "c", "image": "nginx", "memory": 128}])
    tenth = count // 10
    for i in range(count - 3 * tenth):
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=f"g{i:04}", LaunchConfigurationName="lc", MinSize=0, MaxSize=1,
            DesiredCapacity=1, VPCZoneIdentifier=subnet,
        )
    for _ in range(tenth):
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    for _ in range(tenth):
        ec2.allocate_address(Domain="vpc")
    for i in range(tenth):
        ecs.create_service(cluster=cluster, serviceName=f"s{i:04}", taskDefinition="t", desiredCount=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-region", type=int, default=1000)
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION=REGIONS[0],
    )
    try:
        session = boto3.Session(region_name=REGIONS[0])
        started = time.perf_counter()
        for region in REGIONS:
            seed_region(session, region, args.per_region)
        print(f"seeded {args.per_region * len(REGIONS)} resources in {time.perf_counter() - started:.0f} s")
        calls: Counter[str] = Counter()
        counted = boto3.Session(region_name=REGIONS[0])
        counted.events.register("before-call", lambda event_name, **_: calls.update([event_name.removeprefix("before-call.")]))
        started = time.perf_counter()
        resources, errors = collect_infrastructure(client_factory(counted), list(REGIONS))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    print(f"collected {len(resources)} resources ({len(errors)} errors) in {elapsed:.1f} s with {sum(calls.values())} API calls:")
    for operation, count in sorted(calls.items()):
        print(f"  {count:>4}  {operation}")
    print(f"calls per resource: {sum(calls.values()) / max(len(resources), 1):.3f}")


if __name__ == "__main__":
    main()

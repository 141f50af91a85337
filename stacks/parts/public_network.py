"""A VPC with public subnets only: an internet gateway, never a NAT gateway."""

from __future__ import annotations

import ipaddress

from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.route_table import RouteTable, RouteTableRoute
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct


def public_subnet_cidrs(cidr: ipaddress.IPv4Network, count: int = 2) -> list[str]:
    """The first `count` subnets of the VPC range, /24 where the range allows it."""
    new_prefix = max(24, cidr.prefixlen + 1)
    return [str(subnet) for subnet in list(cidr.subnets(new_prefix=new_prefix))[:count]]


class PublicNetwork(Construct):
    """Two public subnets in two named zones (RDS subnet groups need two), one route out.

    The zones are named, not looked up, so the synthesized JSON is fully known and a
    plan never moves a subnet because a data source answered differently.

    Tasks get public IPs to reach ECR and Confluent, which is what makes a NAT gateway
    (about 32 USD a month, more than the whole budget) unnecessary.
    """

    def __init__(
        self,
        scope: Construct,
        logical_id: str,
        *,
        name: str,
        cidr: ipaddress.IPv4Network,
        zones: list[str],
    ):
        super().__init__(scope, logical_id)
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=str(cidr),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
        )
        self.vpc.override_logical_id("vpc")
        # Take over the default security group and leave it without rules.
        DefaultSecurityGroup(self, "default_sg", vpc_id=self.vpc.id).override_logical_id(
            "default_security_group"
        )
        gateway = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags={"Name": name})
        gateway.override_logical_id("internet_gateway")
        routes = RouteTable(
            self,
            "routes",
            vpc_id=self.vpc.id,
            route=[RouteTableRoute(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags={"Name": f"{name}-public"},
        )
        routes.override_logical_id("public_routes")

        self.subnets: list[Subnet] = []
        for index, (zone, subnet_cidr) in enumerate(zip(zones, public_subnet_cidrs(cidr))):
            subnet = Subnet(
                self,
                f"public_{index}",
                vpc_id=self.vpc.id,
                cidr_block=subnet_cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-public-{index}"},
            )
            subnet.override_logical_id(f"public_subnet_{index}")
            association = RouteTableAssociation(
                self, f"public_{index}_routes", subnet_id=subnet.id, route_table_id=routes.id
            )
            association.override_logical_id(f"public_subnet_{index}_routes")
            self.subnets.append(subnet)

    @property
    def subnet_ids(self) -> list[str]:
        return [subnet.id for subnet in self.subnets]

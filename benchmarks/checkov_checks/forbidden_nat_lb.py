"""A checkov custom check that does what our forbidden-resource rule does for the benchmark:
fail every aws_nat_gateway and aws_lb. Loaded with --external-checks-dir."""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class ForbiddenNatAndLoadBalancer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="NAT gateways and load balancers are forbidden",
            id="CKV_SG_1",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_nat_gateway", "aws_lb"),
        )

    def scan_resource_conf(self, conf) -> CheckResult:
        return CheckResult.FAILED


check = ForbiddenNatAndLoadBalancer()

"""Cost rules on hand-made inventories: exact failing subjects per case."""

from __future__ import annotations

from guards.findings import Status
from guards.inventory import Inventory, ModuleCall
from guards.rules.cost import always_on_services, forbidden_resources, module_calls
from tests.guards.rules.conftest import codes, failing, resource


def test_nat_gateway_counts_by_what_bills_after_apply(policy):
    inventory = Inventory(
        resources=[
            resource("aws_nat_gateway", "created", action="create"),
            resource("aws_nat_gateway", "updated", action="update"),
            resource("aws_nat_gateway", "replaced", action="replace"),
            resource("aws_nat_gateway", "kept", action="no-op"),
            resource("aws_nat_gateway", "deleted", action="delete"),
            resource("aws_nat_gateway", "forgotten", action="forget"),
            resource("aws_nat_gateway", "read", action="read", mode="data"),
        ]
    )
    findings = forbidden_resources(inventory, policy)
    assert failing(findings) == {
        "aws_nat_gateway.created",
        "aws_nat_gateway.updated",
        "aws_nat_gateway.replaced",
        "aws_nat_gateway.kept",
        # forgotten (`removed { lifecycle { destroy = false } }`): unmanaged, still billing
        "aws_nat_gateway.forgotten",
    }
    assert codes(findings) == {"forbidden-nat-gateway"}


def test_a_forgotten_service_is_still_always_on(policy):
    inventory = Inventory(
        resources=[resource("aws_ecs_service", "api", stack="core", action="forget", values={"desired_count": 2})]
    )
    assert failing(always_on_services(inventory, policy)) == {"aws_ecs_service.api"}


def test_one_finding_per_instance_inside_modules(policy):
    inventory = Inventory(
        resources=[
            resource("aws_nat_gateway", "nat", module_path="module.vpc", index=i, action="create")
            for i in range(3)
        ]
        + [resource("aws_lb", "web", module_path='module.alb["public"]', action="create")]
    )
    findings = forbidden_resources(inventory, policy)
    assert failing(findings, "forbidden-nat-gateway") == {f"module.vpc.aws_nat_gateway.nat[{i}]" for i in range(3)}
    assert failing(findings, "forbidden-load-balancer") == {'module.alb["public"].aws_lb.web'}


def test_every_forbidden_type_has_its_code(policy):
    inventory = Inventory(
        resources=[
            resource(t, source="synth")
            for t in ("aws_lb", "aws_alb", "aws_elb", "aws_autoscaling_group", "aws_eks_node_group", "aws_s3_bucket")
        ]
    )
    findings = forbidden_resources(inventory, policy)
    assert failing(findings, "forbidden-load-balancer") == {"aws_lb.this", "aws_alb.this", "aws_elb.this"}
    assert failing(findings, "always-on-fleet") == {"aws_autoscaling_group.this", "aws_eks_node_group.this"}


def test_token_count_on_forbidden_type_is_unknown_and_blocks(policy):
    inventory = Inventory(
        resources=[
            resource("aws_nat_gateway", source="synth", count_unknown=True),
            resource("aws_s3_bucket", source="synth", count_unknown=True),
        ]
    )
    findings = forbidden_resources(inventory, policy)
    (finding,) = [f for f in findings if f.status is not Status.PASS]
    assert (finding.code, finding.status, finding.subject) == ("unknown-count", Status.UNKNOWN, "aws_nat_gateway.this")


def test_clean_inventory_records_passes(policy):
    findings = forbidden_resources(Inventory(resources=[resource("aws_s3_bucket")]), policy)
    assert {f.status for f in findings} == {Status.PASS}
    assert {f.code for f in findings} == {
        "forbidden-nat-gateway", "forbidden-load-balancer", "always-on-fleet", "unknown-count"
    }


def test_services_are_fleets_only_in_persistent_or_unknown_stacks(policy):
    inventory = Inventory(
        resources=[
            resource("aws_ecs_service", "core_svc", stack="core", values={"desired_count": 1}),
            resource("aws_ecs_service", "core_idle", stack="core", values={"desired_count": 0}),
            resource("aws_ecs_service", "core_default", stack="core"),
            resource("aws_ecs_service", "demo_svc", stack="demo", values={"desired_count": 2}),
            resource("aws_ecs_service", "stray", stack=None, values={"desired_count": 1}),
            resource(
                "aws_ecs_service", "tagged", stack=None,
                values={"desired_count": 1, "tags_all": {"lifecycle": "ephemeral"}},
            ),
            resource("aws_ecs_service", "later", stack="core", values={}, unknown_values=frozenset({"desired_count"})),
            resource("aws_ecs_service", "going", stack="core", values={"desired_count": 3}, action="delete"),
        ]
    )
    findings = always_on_services(inventory, policy)
    assert failing(findings) == {"aws_ecs_service.core_svc", "aws_ecs_service.stray", "aws_ecs_service.later"}
    later = next(f for f in findings if f.subject == "aws_ecs_service.later")
    assert later.status is Status.UNKNOWN


def test_known_module_switches_and_unverifiable_modules(policy):
    inventory = Inventory(
        module_calls=[
            ModuleCall("dev", "vpc_on", "terraform-aws-modules/vpc/aws", {"enable_nat_gateway": True}),
            ModuleCall("dev", "vpc_off", "terraform-aws-modules/vpc/aws", {"enable_nat_gateway": False}),
            ModuleCall("dev", "vpc_default", "registry.terraform.io/terraform-aws-modules/vpc/aws", {}),
            ModuleCall("dev", "vpc_var", "terraform-aws-modules/vpc/aws", {"enable_nat_gateway": "${var.nat}"}),
            ModuleCall("dev", "alb", "terraform-aws-modules/alb/aws", {}),
            ModuleCall("dev", "eks", "terraform-aws-modules/eks/aws", {"eks_managed_node_groups": {"a": {}}}),
            ModuleCall("dev", "other", "git::https://example.com/mod.git", {}),
            ModuleCall("dev", "local", "./modules/thing", {}),
        ]
    )
    findings = module_calls(inventory, policy)
    assert failing(findings, "forbidden-nat-gateway") == {"module.vpc_on"}
    assert failing(findings, "unknown-count") == {"module.vpc_var"}
    assert failing(findings, "forbidden-load-balancer") == {"module.alb"}
    assert failing(findings, "always-on-fleet") == {"module.eks"}
    assert failing(findings, "unverifiable-module") == {"module.other", "module.local"}


def test_a_submodule_is_judged_as_itself_never_by_its_parents_switches(policy):
    """`//modules/<x>` creates what its own inputs say: the parent's `enable_nat_gateway`
    or `eks_managed_node_groups` switches say nothing about it."""
    eks = "terraform-aws-modules/eks/aws"
    inventory = Inventory(
        module_calls=[
            ModuleCall("dev", "group", f"{eks}//modules/eks-managed-node-group", {}),
            ModuleCall("dev", "group_off", f"registry.terraform.io/{eks}//modules/eks-managed-node-group", {"create": False}),
            ModuleCall("dev", "self_managed", f"{eks}//modules/self-managed-node-group", {"create": "${var.on}"}),
            ModuleCall("dev", "fargate", f"{eks}//modules/fargate-profile", {}),
            ModuleCall("dev", "endpoints", "terraform-aws-modules/vpc/aws//modules/vpc-endpoints", {}),
            ModuleCall("dev", "alb_part", "terraform-aws-modules/alb/aws//modules/anything", {"create": False}),
        ]
    )
    findings = module_calls(inventory, policy)
    assert failing(findings, "always-on-fleet") == {"module.group"}
    assert failing(findings, "unknown-count") == {"module.self_managed"}
    assert failing(findings, "unverifiable-module") == {"module.fargate", "module.endpoints", "module.alb_part"}
    assert codes(findings) == {"always-on-fleet", "unknown-count", "unverifiable-module"}

"""Cost rules on hand-made inventories: exact failing subjects per case."""

from __future__ import annotations

import pytest

from guards.documents import collect_synth
from guards.documents.errors import InputError
from guards.findings import Status
from guards.inventory import Inventory, ModuleCall
from guards.rules.cost import (
    always_on_instances,
    always_on_services,
    forbidden_resources,
    module_calls,
    provisioners,
)
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
        "forbidden-nat-gateway", "forbidden-load-balancer", "always-on-fleet", "unknown-count",
        "forbidden-eks-cluster", "forbidden-vpc-endpoint", "forbidden-global-accelerator", "unverifiable-resource",
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


AFTER_APPLY = {"create": True, "update": True, "replace": True, "no-op": True, "forget": True, "delete": False}


@pytest.mark.parametrize(
    ("rtype", "values", "code"),
    [
        ("aws_eks_cluster", {}, "forbidden-eks-cluster"),
        ("aws_globalaccelerator_accelerator", {}, "forbidden-global-accelerator"),
        ("aws_globalaccelerator_custom_routing_accelerator", {}, "forbidden-global-accelerator"),
        ("aws_spot_fleet_request", {}, "always-on-fleet"),
        ("aws_ec2_fleet", {}, "always-on-fleet"),
        ("aws_vpc_endpoint", {"vpc_endpoint_type": "Interface"}, "forbidden-vpc-endpoint"),
        ("aws_vpc_endpoint", {"vpc_endpoint_type": "GatewayLoadBalancer"}, "forbidden-vpc-endpoint"),
        ("aws_vpc_endpoint", {"vpc_endpoint_type": "Resource"}, "forbidden-vpc-endpoint"),  # any but Gateway bills
        ("aws_cloudformation_stack", {"template_body": "{}"}, "unverifiable-resource"),
        ("aws_cloudformation_stack_set", {}, "unverifiable-resource"),
        ("awscc_ec2_nat_gateway", {}, "unverifiable-resource"),
        ("awscc_elasticloadbalancingv2_load_balancer", {}, "unverifiable-resource"),
        ("awscc_eks_cluster", {}, "unverifiable-resource"),
        ("awscc_autoscaling_auto_scaling_group", {}, "unverifiable-resource"),
        ("awscc_ec2_vpc_endpoint", {"vpc_endpoint_type": "Gateway"}, "unverifiable-resource"),
    ],
)
def test_high_burn_and_unverifiable_types_bill_by_what_exists_after_apply(policy, rtype, values, code):
    """In any stack, ephemeral too: one per instance that exists after apply."""
    inventory = Inventory(
        resources=[
            resource(rtype, action, action=action, values=values, stack="demo") for action in AFTER_APPLY
        ]
        + [resource(rtype, "synth", source="synth", values=values, stack="demo")]
    )
    findings = forbidden_resources(inventory, policy)
    expected = {f"{rtype}.{action}" for action, bills in AFTER_APPLY.items() if bills} | {f"{rtype}.synth"}
    assert failing(findings) == failing(findings, code) == expected


@pytest.mark.parametrize("rtype", ["aws_eks_cluster", "aws_cloudformation_stack", "awscc_ec2_nat_gateway"])
def test_a_new_type_whose_count_is_unknown_is_unknown_count(policy, rtype):
    findings = forbidden_resources(Inventory(resources=[resource(rtype, source="synth", count_unknown=True)]), policy)
    assert {(f.code, f.status, f.subject) for f in findings if f.status is not Status.PASS} == {
        ("unknown-count", Status.UNKNOWN, f"{rtype}.this")
    }


def test_gateway_endpoints_are_free_and_an_unknown_endpoint_type_is_unknown(policy):
    inventory = Inventory(
        resources=[
            resource("aws_vpc_endpoint", "s3", values={"vpc_endpoint_type": "Gateway"}),
            resource("aws_vpc_endpoint", "default", source="synth", values={}),  # Terraform's default: Gateway
            resource("aws_vpc_endpoint", "null", values={"vpc_endpoint_type": None}),
            resource("aws_vpc_endpoint", "ssm", values={"vpc_endpoint_type": "Interface"}),
            resource("aws_vpc_endpoint", "token", source="synth", values={"vpc_endpoint_type": "${var.kind}"}),
            resource("aws_vpc_endpoint", "later", values={}, unknown_values=frozenset({"vpc_endpoint_type"})),
            resource("aws_vpc_endpoint", "many", source="synth", values={"vpc_endpoint_type": "Interface"}, count_unknown=True),
            resource("aws_vpc_endpoint", "free_many", source="synth", values={}, count_unknown=True),
        ]
    )
    findings = forbidden_resources(inventory, policy)
    assert failing(findings, "forbidden-vpc-endpoint") == {
        "aws_vpc_endpoint.ssm", "aws_vpc_endpoint.token", "aws_vpc_endpoint.later"
    }
    assert failing(findings, "unknown-count") == {"aws_vpc_endpoint.many"}
    statuses = {f.subject: f.status for f in findings if f.status is not Status.PASS}
    assert statuses["aws_vpc_endpoint.token"] is statuses["aws_vpc_endpoint.later"] is Status.UNKNOWN
    assert statuses["aws_vpc_endpoint.ssm"] is Status.FAIL


def test_daemon_services_are_always_on_whatever_their_desired_count(policy):
    """DAEMON runs a task on every container instance and has no desired_count."""
    inventory = Inventory(
        resources=[
            resource("aws_ecs_service", "daemon", stack="core", values={"scheduling_strategy": "DAEMON"}),
            resource("aws_ecs_service", "daemon_zero", stack="core", values={"scheduling_strategy": "DAEMON", "desired_count": 0}),
            resource("aws_ecs_service", "replica_idle", stack="core", values={"scheduling_strategy": "REPLICA", "desired_count": 0}),
            resource("aws_ecs_service", "stray_daemon", stack=None, values={"scheduling_strategy": "DAEMON"}),
            resource("aws_ecs_service", "demo_daemon", stack="demo", values={"scheduling_strategy": "DAEMON"}),
            resource("aws_ecs_service", "forgotten", stack="core", action="forget", values={"scheduling_strategy": "DAEMON"}),
            resource("aws_ecs_service", "going", stack="core", action="delete", values={"scheduling_strategy": "DAEMON"}),
            resource("aws_ecs_service", "token", stack="core", source="synth", values={"scheduling_strategy": "${var.s}", "desired_count": 0}),
            resource("aws_ecs_service", "later", stack="core", values={"desired_count": 0}, unknown_values=frozenset({"scheduling_strategy"})),
        ]
    )
    findings = always_on_services(inventory, policy)
    assert failing(findings) == {
        "aws_ecs_service.daemon", "aws_ecs_service.daemon_zero", "aws_ecs_service.stray_daemon",
        "aws_ecs_service.forgotten", "aws_ecs_service.token", "aws_ecs_service.later",
    }
    statuses = {f.subject: f.status for f in findings if f.status is not Status.PASS}
    assert statuses["aws_ecs_service.token"] is statuses["aws_ecs_service.later"] is Status.UNKNOWN
    assert statuses["aws_ecs_service.daemon_zero"] is Status.FAIL


def test_instances_are_always_on_in_persistent_or_unknown_stacks(policy):
    inventory = Inventory(
        resources=[
            resource("aws_instance", "core_box", stack="core"),
            resource("aws_instance", "kept", stack="core", action="no-op"),
            resource("aws_instance", "forgotten", stack="core", action="forget"),
            resource("aws_instance", "going", stack="core", action="delete"),
            resource("aws_instance", "demo_box", stack="demo"),
            resource("aws_instance", "stray", stack=None),
            resource("aws_instance", "tagged", stack=None, values={"tags_all": {"lifecycle": "ephemeral"}}),
            resource("aws_spot_instance_request", "spot", stack="core"),
            resource("aws_instance", "many", stack="core", source="synth", count_unknown=True),
            resource("aws_instance", "ami", stack="core", mode="data", action="read"),
        ]
    )
    findings = always_on_instances(inventory, policy)
    assert failing(findings, "always-on-instance") == {
        "aws_instance.core_box", "aws_instance.kept", "aws_instance.forgotten", "aws_instance.stray",
        "aws_spot_instance_request.spot",
    }
    assert failing(findings, "unknown-count") == {"aws_instance.many"}


def test_provisioners_that_run_commands_are_unverifiable_in_synth(policy):
    document = {
        "resource": {
            "null_resource": {
                "install": {"provisioner": [{"local-exec": {"command": "./install.sh"}}]},
                "remote": {"provisioner": {"remote-exec": {"inline": ["curl x | sh"]}}},
                "copy": {"provisioner": [{"file": {"source": "a", "destination": "b"}}]},
                "mixed": {"provisioner": [{"file": {"source": "a", "destination": "b"}}, {"local-exec": {"command": "x"}}]},
                "many": {"count": "${var.n}", "provisioner": [{"local-exec": {"command": "x"}}]},
                "none": {"count": 0, "provisioner": [{"local-exec": {"command": "x"}}]},
            },
            "terraform_data": {"bootstrap": {"provisioner": [{"local-exec": {"command": "aws cloudformation deploy"}}]}},
            "aws_instance": {"web": {"ami": "ami-1", "provisioner": [{"remote-exec": {"inline": ["x"]}}]}},
            "aws_s3_bucket": {"plain": {"bucket": "b"}},
        }
    }
    inventory = collect_synth(document, "demo")
    assert {r.address: r.provisioners for r in inventory.resources if r.provisioners} == {
        "null_resource.install": ("local-exec",),
        "null_resource.remote": ("remote-exec",),
        "null_resource.copy": ("file",),
        "null_resource.mixed": ("file", "local-exec"),
        "null_resource.many": ("local-exec",),
        "terraform_data.bootstrap": ("local-exec",),
        "aws_instance.web": ("remote-exec",),
    }
    findings = provisioners(inventory, policy)
    assert failing(findings, "unverifiable-provisioner") == {
        "null_resource.install", "null_resource.remote", "null_resource.mixed", "terraform_data.bootstrap", "aws_instance.web"
    }
    assert failing(findings, "unknown-count") == {"null_resource.many"}


def test_a_malformed_provisioner_is_an_input_error():
    with pytest.raises(InputError, match="resource.null_resource.x.provisioner must be a list"):
        collect_synth({"resource": {"null_resource": {"x": {"provisioner": "local-exec"}}}}, "demo")


def test_the_eks_module_creates_a_control_plane_unless_create_is_off(policy):
    eks = "terraform-aws-modules/eks/aws"
    inventory = Inventory(
        module_calls=[
            ModuleCall("dev", "cluster", eks, {}),
            ModuleCall("dev", "off", eks, {"create": False}),
            ModuleCall("dev", "maybe", eks, {"create": "${var.create}"}),
        ]
    )
    findings = module_calls(inventory, policy)
    assert failing(findings, "forbidden-eks-cluster") == {"module.cluster"}
    assert failing(findings, "unknown-count") == {"module.maybe"}

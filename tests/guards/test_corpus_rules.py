"""Rules on real-world documents: the exact set of failing subjects per corpus file."""

from __future__ import annotations

import datetime as dt

import pytest

from guards.documents import load_plan, load_synth
from guards.engine import evaluate
from guards.findings import BLOCKING
from tests.conftest import corpus_file

TODAY = dt.date(2026, 11, 23)
COST_CODES = {
    "forbidden-nat-gateway", "forbidden-load-balancer", "always-on-fleet", "unknown-count", "unverifiable-module",
    "forbidden-eks-cluster", "forbidden-vpc-endpoint", "forbidden-global-accelerator", "always-on-instance",
    "unverifiable-resource", "unverifiable-provisioner",
}


def blocking(inventory, policy, codes=COST_CODES) -> set[tuple[str, str]]:
    findings, _ = evaluate(inventory, policy, today=TODAY)
    return {(f.code, f.subject) for f in findings if f.status in BLOCKING and f.code in codes}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "cyse7125-infra-aws__infra_tfplan.json",
            {("forbidden-nat-gateway", f"module.network.aws_nat_gateway.nat_gw[{i}]") for i in range(3)}
            | {("always-on-fleet", f"module.node_group.aws_eks_node_group.node_group[{i}]") for i in range(3)}
            | {("forbidden-eks-cluster", "module.eks.aws_eks_cluster.eks")},
        ),
        (
            "tfcompliance__tests_functional_test_issue-158_plan.out.json",
            {("forbidden-nat-gateway", f"module.vpc.aws_nat_gateway.this[{i}]") for i in range(3)},
        ),
        (
            "cv-challenge-03__terraform_tfplan.json",  # an existing NAT (and instance) left unchanged still bills
            {
                ("forbidden-nat-gateway", "module.network.aws_nat_gateway.nat[0]"),
                # plans carry no stack: lifecycle unknown, so an instance is always-on (fail-closed)
                ("always-on-instance", "module.compute.aws_instance.compute[0]"),
            },
        ),
        (
            "devsecops-iac__tfplan.json",
            {
                ("forbidden-nat-gateway", "module.vpc.aws_nat_gateway.this[0]"),
                ("always-on-fleet", 'module.eks.module.eks_managed_node_group["worker"].aws_eks_node_group.this[0]'),
                ("forbidden-eks-cluster", "module.eks.aws_eks_cluster.this[0]"),
            },
        ),
        (
            "nbiuk-infrastructure__terraform_tfplan.json",
            {
                ("forbidden-nat-gateway", "aws_nat_gateway.nat"),
                ("always-on-fleet", "aws_eks_node_group.nodes"),
                ("forbidden-eks-cluster", "aws_eks_cluster.eks"),
            },
        ),
        (
            "TEAM3-INFRA-FRAME__infra_tfplan.json",
            {
                ("forbidden-load-balancer", "module.alb.aws_lb.alb"),
                ("always-on-fleet", "module.eks.aws_eks_node_group.eks_node_group"),
                ("forbidden-eks-cluster", "module.eks.aws_eks_cluster.eks"),
                # three Interface endpoints (SSM), a bastion and a NAT *instance*
                *{("forbidden-vpc-endpoint", f"module.network.aws_vpc_endpoint.{n}") for n in ("ssm", "ssmmessages", "ec2messages")},
                ("always-on-instance", "module.bastion.aws_instance.bastion"),
                ("always-on-instance", "module.network.aws_instance.nat"),
            },
        ),
        ("tfcompliance__tests_functional_test_issue-171_plan.out.json", {("forbidden-load-balancer", "aws_lb.nlb-noncompliant")}),
        (
            "tfcompliance__tests_functional_test_issue-249_plan.out.json",
            {("forbidden-load-balancer", "module.alb.aws_alb.alb"), ("always-on-fleet", "module.myapp-asg.aws_autoscaling_group.asg")},
        ),
        (
            "checkov__tests_terraform_runner_resources_plan_tfplan.json",
            {
                ("forbidden-load-balancer", "aws_elb.weblb"),
                ("forbidden-eks-cluster", "aws_eks_cluster.eks_cluster"),
                ("always-on-instance", "aws_instance.db_app"),
                ("always-on-instance", "aws_instance.web_host"),
            },
        ),
        (
            "checkov__tests_terraform_parser_resources_plan_tags_variety_tfplan.json",
            {("always-on-fleet", "aws_autoscaling_group.example"), ("always-on-fleet", "aws_autoscaling_group.example2")},
        ),
        (
            "tirith__tests_providers_terraform_plan_fixtures_input_implicit_elb_secgroup.json",
            {("forbidden-load-balancer", "aws_elb.terra-elb"), ("forbidden-load-balancer", "aws_elb.without_secgroup")},
        ),
        ("tfcompliance__tests_functional_test_pull_330_plan.out.json", {("forbidden-nat-gateway", "aws_nat_gateway.gw")}),
        (
            "AWS_RealEstate__terraform_plan.json",
            {
                ("always-on-fleet", "module.eks.aws_eks_node_group.node_group"),
                ("forbidden-eks-cluster", "module.eks.aws_eks_cluster.cluster"),
                ("always-on-instance", "module.airflow_server.aws_instance.airflow_server"),
                ("always-on-instance", "module.mlflow_server.aws_instance.mlflow_server"),
            },
        ),
        (
            "ephemeral-env-janitor__terraform_tfplan.json",
            {("always-on-instance", f"aws_instance.janitor[{i}]") for i in range(3)},
        ),
        ("tirith__tests_providers_terraform_plan_fixtures_input_s3_destroy.json", set()),  # deletes only
        ("checkov__tests_terraform_runner_resources_plan_forget_action_tfplan.json", set()),
        ("checkov__tests_terraform_parser_resources_plan_multiple_providers_tfplan.json", set()),
        (
            # instances created and left unchanged both bill; in a plan the stack is unknown
            "infracost__cmd_infracost_testdata_terraform_v0.14_plan.json",
            {
                ("always-on-instance", f"{module}aws_instance.{prefix}{name}")
                for module, prefix in (("", "instance_"), ("module.instances.", "module_instance_"))
                for name in ("1", "2", "counted[0]", "counted[1]", 'named["test.1"]', 'named["test.2"]')
            },
        ),
        (
            "nonstandard/tf-gatekeeper__test_plans_tfplan_red.json",
            # the 12 deleted workers are the fix; the 2 created ones bill
            {("forbidden-nat-gateway", f"aws_nat_gateway.nat[{i}]") for i in range(3)}
            | {("always-on-instance", f"aws_instance.new_worker[{i}]") for i in range(2)},
        ),
    ],
)
def test_plan_cost_findings_are_exactly(policy, name, expected):
    assert blocking(load_plan(corpus_file(name)), policy) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # NAT hidden in a registry module, switched on literally: the module stands for it.
        ("shrimanwar92-cdktf-poc__examples_cdktf.out_stacks_cdktf-project_cdk.tf.json", {("forbidden-nat-gateway", "module.my-vpc")}),
        ("cdk-eks__cdktf.out_stacks_sbx-laurentgil_cdk.tf.json", None),  # checked below
        ("ec2RuntimeMonitor__cdk.tf.json", set()),
        ("s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json", {("always-on-instance", "aws_instance.compute")}),
    ],
)
def test_synth_cost_findings_are_exactly(policy, name, expected):
    found = blocking(load_synth(corpus_file(name)), policy)
    if expected is not None:
        assert found == expected
    else:
        fleets = {subject for code, subject in found if code == "always-on-fleet"}
        assert {code for code, _ in found} == {"always-on-fleet", "forbidden-eks-cluster"} and len(fleets) == 2
        assert ("forbidden-eks-cluster", "aws_eks_cluster.eks-cluster") in found


def test_module_switch_from_a_variable_is_unknown_and_other_modules_unverifiable(policy):
    found = blocking(load_synth(corpus_file("multi-cloud-k8s-boilerplate__cdktf.out_stacks_dev_cdk.tf.json")), policy)
    codes = {code for code, _ in found}
    assert ("unknown-count", "module.eks_vpc_924ECCC8") in found
    # the eks module creates its control plane (`create` is true)
    assert ("forbidden-eks-cluster", "module.eks_B1A34D59") in found
    # both null_resources run a local-exec script: what it installs is out of sight
    assert {subject for code, subject in found if code == "unverifiable-provisioner"} == {
        "null_resource.aks_argo-cd-aks-install-null_A56F49F3", "null_resource.eks_argo-cd-eks-install-null_F3907BA3"
    }
    assert codes <= {"unknown-count", "unverifiable-module", "always-on-fleet", "forbidden-eks-cluster", "unverifiable-provisioner"}
    assert "unverifiable-module" in codes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cdk-eks__cdktf.out_stacks_sbx-laurentgil_cdk.tf.json", {"backend-lockfile-missing", "backend-key-mismatch"}),
        (
            "configure-aws-s3-website__cdktf.out_stacks_website-stack_cdk.tf.json",
            {"backend-bucket-missing", "backend-unencrypted", "backend-lock-missing", "backend-lockfile-missing", "backend-key-mismatch"},
        ),
        ("ec2RuntimeMonitor__cdk.tf.json", {"backend-missing"}),
        ("multi-cloud-k8s-boilerplate__cdktf.out_stacks_dev_cdk.tf.json", {"backend-type-mismatch"}),
        ("s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json", {"backend-type-mismatch"}),
        ("matthew-monorepo__src_cdk_monorepo-cdk_cdktf.out_stacks_bootstrap_cdk.tf.json", {"backend-type-mismatch"}),
    ],
)
def test_corpus_backends(policy, name, expected):
    findings, _ = evaluate(load_synth(corpus_file(name)), policy, today=TODAY)
    assert {f.code for f in findings if f.blocks and f.code.startswith("backend-")} == expected


#: The names AWS would refuse in the corpus; every other document holds none.
NAME_REFUSALS = {
    # `terraform-compliance` names a security group `sg-...` in a test plan; AWS refuses it
    # (CreateSecurityGroup: "Can't start with sg-"), so the plan could never be applied.
    "tfcompliance__tests_functional_test_issue-171_plan.out.json": {"aws_security_group.sg-loadBalancer-noncompliant"},
}
CORPUS_PLANS = [
    "AWS_RealEstate__terraform_plan.json",
    "TEAM3-INFRA-FRAME__infra_tfplan.json",
    "checkov__tests_common_runner_registry_plan_with_for_each_for_enrichment_tf_plan.json",
    "checkov__tests_terraform_parser_resources_plan_encodings_tfplan_win_utf16.json",
    "checkov__tests_terraform_parser_resources_plan_multiple_providers_tfplan.json",
    "checkov__tests_terraform_parser_resources_plan_tags_variety_tfplan.json",
    "checkov__tests_terraform_runner_resources_plan_forget_action_tfplan.json",
    "checkov__tests_terraform_runner_resources_plan_tfplan.json",
    "checkov__tests_terraform_runner_resources_plan_with_deleted_resources_tfplan.json",
    "cv-challenge-03__terraform_tfplan.json",
    "cyse7125-infra-aws__infra_tfplan.json",
    "devsecops-iac__tfplan.json",
    "ephemeral-env-janitor__terraform_tfplan.json",
    "infracost__cmd_infracost_testdata_terraform_v0.14_plan.json",
    "nbiuk-infrastructure__terraform_tfplan.json",
    "nonstandard/tf-gatekeeper__test_plans_tfplan_red.json",
    "tfcompliance__tests_functional_test_issue-158_plan.out.json",
    "tfcompliance__tests_functional_test_issue-171_plan.out.json",
    "tfcompliance__tests_functional_test_issue-249_plan.out.json",
    "tfcompliance__tests_functional_test_issue_522_plan.out.json",
    "tfcompliance__tests_functional_test_issue_796_plan.out.json",
    "tfcompliance__tests_functional_test_pull_330_plan.out.json",
    "tirith__tests_providers_terraform_plan_fixtures_input_implicit_elb_secgroup.json",
    "tirith__tests_providers_terraform_plan_fixtures_input_s3_destroy.json",
]
CORPUS_SYNTHS = [
    "cdk-eks__cdktf.out_stacks_sbx-laurentgil_cdk.tf.json",
    "configure-aws-s3-website__cdktf.out_stacks_website-stack_cdk.tf.json",
    "ec2RuntimeMonitor__cdk.tf.json",
    "matthew-monorepo__apps_node-server_cdktf.out_stacks_my-stack_cdk.tf.json",
    "matthew-monorepo__cdktf.out_stacks_myapp-client-website-stack_cdk.tf.json",
    "matthew-monorepo__src_cdk_monorepo-cdk_cdktf.out_stacks_bootstrap_cdk.tf.json",
    "multi-cloud-k8s-boilerplate__cdktf.out_stacks_dev_cdk.tf.json",
    "s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json",
    "shrimanwar92-cdktf-poc__examples_cdktf.out_stacks_cdktf-project_cdk.tf.json",
]


@pytest.mark.parametrize(
    ("name", "load"),
    [(name, load_plan) for name in CORPUS_PLANS] + [(name, load_synth) for name in CORPUS_SYNTHS],
)
def test_names_aws_refuses_are_exactly(policy, name, load):
    found = blocking(load(corpus_file(name)), policy, codes={"invalid-resource-name"})
    assert found == {("invalid-resource-name", subject) for subject in NAME_REFUSALS.get(name, set())}

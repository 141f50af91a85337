"""Every corpus file is parsed, or refused on purpose, with exact expectations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from guards.documents import InputError, load_document, load_plan, load_state, load_synth
from guards.inventory import Inventory
from tests.conftest import ACTIVE, CORPUS, corpus_file

PLAN_REMEDY = "terraform show -json PLANFILE"
WRAPPER_REMEDY = "terraform_wrapper: false"


@dataclass(frozen=True)
class Parsed:
    """A file that must load with `loader`, holding what is listed."""

    loader: Callable[..., Inventory]
    count: int
    actions: dict[str | None, int] = field(default_factory=dict)
    present: dict[str, str | None] = field(default_factory=dict)  # address -> action
    exact_types: dict[str, set[str]] = field(default_factory=dict)  # type -> every address
    check: Callable[[Inventory], None] | None = None


@dataclass(frozen=True)
class Refused:
    """A file that must be refused with an InputError naming `phrases`."""

    loader: Callable[..., Inventory]
    phrases: tuple[str, ...]


def _backend(inventory: Inventory):
    (backend,) = inventory.backends
    return backend


def _module(inventory: Inventory, name: str):
    (call,) = [call for call in inventory.module_calls if call.name == name]
    return call


def _cdk_eks(inventory: Inventory) -> None:
    backend = _backend(inventory)
    assert (backend.stack, backend.type) == ("sbx-laurentgil", "s3")
    assert backend.config["dynamodb_table"] == "tf-states-lock-table"
    assert backend.config["encrypt"] is True
    groups = [r for r in inventory.resources if r.type == "aws_eks_node_group"]
    assert all("subnet_ids" in group.unknown_values for group in groups)
    assert all(isinstance(group.values["subnet_ids"], str) for group in groups)


def _s3_website(inventory: Inventory) -> None:
    backend = _backend(inventory)
    assert backend.type == "s3"
    assert "bucket" not in backend.config
    assert "dynamodb_table" not in backend.config and "use_lockfile" not in backend.config
    assert set(inventory.providers["website-stack"]) == {"aws.eu-west-1", "aws.us-east-1"}


def _no_backend(inventory: Inventory) -> None:
    assert _backend(inventory).type is None
    assert inventory.stacks == ["id"]
    assert Counter(r.mode for r in inventory.resources) == {"managed": 51, "data": 8}


def _s3_locked(table: str) -> Callable[[Inventory], None]:
    def check(inventory: Inventory) -> None:
        backend = _backend(inventory)
        assert backend.type == "s3"
        assert backend.config["dynamodb_table"] == table
        assert backend.config["encrypt"] is True

    return check


def _local_backend(inventory: Inventory) -> None:
    assert _backend(inventory).type == "local"


def _multi_cloud(inventory: Inventory) -> None:
    assert _backend(inventory).type == "remote"
    vpc = _module(inventory, "eks_vpc_924ECCC8")
    assert (vpc.source, vpc.version) == ("terraform-aws-modules/vpc/aws", "5.1.0")
    assert vpc.inputs["enable_nat_gateway"] == "${var.enable_nat_gateway}"
    assert not {"//", "source", "version", "depends_on"} & set(vpc.inputs)
    assert inventory.providers["dev"]["aws"]["access_key"] == "(sensitive)"
    assert set(inventory.providers["dev"]) == {"aws", "azurerm", "null.eks_null", "null.aks_null"}
    assert "AKIA5EZUTDHMR45HQYKA" not in repr(inventory)


def _cloud_block(inventory: Inventory) -> None:
    backend = _backend(inventory)
    assert (backend.stack, backend.type) == ("stack-prd", "cloud")
    assert backend.config["organization"] == "smile2buy"


def _registry_nat(inventory: Inventory) -> None:
    assert _backend(inventory).type == "local"
    vpc = _module(inventory, "my-vpc")
    assert (vpc.source, vpc.version) == ("terraform-aws-modules/vpc/aws", "~> 3.0")
    assert vpc.inputs["enable_nat_gateway"] is True
    assert not any(r.type == "aws_nat_gateway" for r in inventory.resources)


def _backend_cache(bucket: str, **expected) -> Callable[[Inventory], None]:
    def check(inventory: Inventory) -> None:
        backend = _backend(inventory)
        assert (backend.stack, backend.type, backend.config["bucket"]) == (None, "s3", bucket)
        for key, value in expected.items():
            if value is ...:
                assert key not in backend.config
            else:
                assert backend.config[key] == value

    return check


def _for_each_keys(inventory: Inventory) -> None:
    zone = next(
        r for r in inventory.resources if r.address == 'aws_route53_zone.example["example.com"]'
    )
    assert (zone.name, zone.index, zone.module_path) == ("example", "example.com", "")
    group = next(r for r in inventory.resources if r.module_path == 'module.sg["bad_example"]')
    assert group.address == 'module.sg["bad_example"].aws_security_group.bad'


def _nested_for_each_module(inventory: Inventory) -> None:
    group = next(r for r in inventory.resources if r.type == "aws_eks_node_group")
    assert group.module_path == 'module.eks.module.eks_managed_node_group["worker"]'
    assert group.index == 0
    assert all(r.mode == "data" for r in inventory.resources if r.action == "read")


def _count_module(inventory: Inventory) -> None:
    rule = next(r for r in inventory.resources if r.type == "aws_cloudwatch_event_rule")
    assert rule.module_path == "module.outer[0].module.inner"


def _state(inventory: Inventory) -> None:
    assert {r.source for r in inventory.resources} == {"state"}
    assert {r.action for r in inventory.resources} == {None}
    instance = next(r for r in inventory.resources if r.address == "aws_instance.instance_1")
    assert instance.arn == "arn:aws:ec2:us-east-1:123123123123:instance/i-0ec3a64e9a6965cfc"
    assert instance.region == "us-east-1"


def _derived_from_address(inventory: Inventory) -> None:
    nat = [r for r in inventory.resources if r.type == "aws_nat_gateway"]
    assert [(r.name, r.index, r.mode, r.module_path) for r in nat] == [
        ("nat", i, "managed", "") for i in range(3)
    ]


def _all_deletes(inventory: Inventory) -> None:
    assert {r.action for r in inventory.resources} == {"delete"}
    assert not any(r.exists_after_apply for r in inventory.resources)


EXPECTED: dict[str, Parsed | Refused] = {
    "AWS_RealEstate__terraform_plan.json": Parsed(
        load_plan,
        87,
        {"no-op": 67, "create": 14, "delete": 4, "read": 1, "update": 1},
        present={
            "module.eks.aws_eks_node_group.node_group": "create",
            "module.sagemaker.aws_appautoscaling_target.sagemaker_target": "create",
            "module.bamboo_server.aws_security_group.bamboo_sg": "delete",
        },
    ),
    "MANIFEST.json": Refused(load_document, ("JSON but a list, not an object",)),
    "README.md": Refused(load_document, ("is not valid JSON",)),
    "TEAM3-INFRA-FRAME__infra_tfplan.json": Parsed(
        load_plan,
        51,
        {"create": 51},
        present={
            "module.alb.aws_lb.alb": "create",
            "module.eks.aws_eks_node_group.eks_node_group": "create",
        },
    ),
    "Terraform-jenkins-EKS-Project-__.terraform_terraform.tfstate.json": Parsed(
        load_state,
        0,
        check=_backend_cache(
            "cicd-terraform.eks", dynamodb_table=None, encrypt=None, use_lockfile=...
        ),
    ),
    "cdk-eks__cdktf.out_stacks_sbx-laurentgil_cdk.tf.json": Parsed(
        load_synth,
        10,
        {None: 10},
        present={
            "aws_eks_node_group.cluster-node-group-default": None,
            "aws_eks_node_group.cluster-node-group-intel": None,
            "data.aws_subnets.subnets": None,
        },
        check=_cdk_eks,
    ),
    "checkov__tests_common_runner_registry_plan_with_for_each_for_enrichment_tf_plan.json": Parsed(
        load_plan,
        5,
        {"create": 5},
        present={
            'aws_route53_zone.example["example.com"]': "create",
            'aws_route53_zone.example["example2.eu"]': "create",
            'module.sg["bad_example"].aws_security_group.bad': "create",
        },
        check=_for_each_keys,
    ),
    "checkov__tests_terraform_parser_resources_plan_encodings_tfplan_win_utf16.json": Parsed(
        load_plan, 1, {"create": 1}, present={"aws_s3_bucket.data": "create"}
    ),
    "checkov__tests_terraform_parser_resources_plan_multiple_providers_tfplan.json": Parsed(
        load_plan, 0
    ),
    "checkov__tests_terraform_parser_resources_plan_tags_variety_tfplan.json": Parsed(
        load_plan,
        3,
        {"create": 3},
        exact_types={
            "aws_autoscaling_group": {
                "aws_autoscaling_group.example",
                "aws_autoscaling_group.example2",
            }
        },
    ),
    "checkov__tests_terraform_runner_resources_plan_forget_action_tfplan.json": Parsed(
        load_plan, 1, {"forget": 1}, present={"aws_s3_bucket.forgotten": "forget"}
    ),
    "checkov__tests_terraform_runner_resources_plan_tfplan.json": Parsed(
        load_plan, 55, {"create": 55}, exact_types={"aws_elb": {"aws_elb.weblb"}}
    ),
    "checkov__tests_terraform_runner_resources_plan_with_deleted_resources_tfplan.json": Parsed(
        load_plan, 1, {"replace": 1}, present={"aws_secretsmanager_secret.default": "replace"}
    ),
    "configure-aws-s3-website__cdktf.out_stacks_website-stack_cdk.tf.json": Parsed(
        load_synth, 8, check=_s3_website
    ),
    "cv-challenge-03__terraform_tfplan.json": Parsed(
        load_plan,
        23,
        {"no-op": 23},
        exact_types={"aws_nat_gateway": {"module.network.aws_nat_gateway.nat[0]"}},
        present={"module.network.aws_nat_gateway.nat[0]": "no-op"},
    ),
    "cyse7125-infra-aws__infra_tfplan.json": Parsed(
        load_plan,
        76,
        {"create": 70, "read": 5, "no-op": 1},
        exact_types={
            "aws_nat_gateway": {f"module.network.aws_nat_gateway.nat_gw[{i}]" for i in range(3)},
            "aws_eks_node_group": {
                f"module.node_group.aws_eks_node_group.node_group[{i}]" for i in range(3)
            },
        },
        present={f"module.network.aws_nat_gateway.nat_gw[{i}]": "create" for i in range(3)},
    ),
    "devsecops-iac__tfplan.json": Parsed(
        load_plan,
        81,
        {"create": 76, "read": 5},
        exact_types={
            "aws_nat_gateway": {"module.vpc.aws_nat_gateway.this[0]"},
            "aws_eks_node_group": {
                'module.eks.module.eks_managed_node_group["worker"].aws_eks_node_group.this[0]'
            },
        },
        check=_nested_for_each_module,
    ),
    "ec2RuntimeMonitor__cdk.tf.json": Parsed(load_synth, 59, {None: 59}, check=_no_backend),
    "ephemeral-env-janitor__terraform_tfplan.json": Parsed(
        load_plan,
        10,
        {"create": 10},
        exact_types={"aws_instance": {f"aws_instance.janitor[{i}]" for i in range(3)}},
    ),
    "infracost__cmd_infracost_testdata_terraform_v0.14_plan.json": Parsed(
        load_plan,
        26,
        {"no-op": 13, "create": 12, "update": 1},
        present={
            "module.db.module.db_1.module.db_instance.aws_db_instance.this[0]": "update",
            'aws_instance.instance_named["test.1"]': "no-op",
            'module.instances.aws_instance.module_instance_named["test.2"]': "create",
        },
    ),
    "infracost__cmd_infracost_testdata_terraform_v0.14_state.json": Parsed(
        load_state,
        18,
        {None: 18},
        present={
            "module.db.module.db_1.module.db_instance.data.aws_partition.current": None,
            'module.instances.aws_instance.module_instance_named["test.1"]': None,
        },
        check=_state,
    ),
    "matthew-monorepo__apps_node-server_cdktf.out_stacks_my-stack_cdk.tf.json": Parsed(
        load_synth, 4, check=_s3_locked("mycompany-myproject-cdktf-lock-00001")
    ),
    "matthew-monorepo__cdktf.out_stacks_myapp-client-website-stack_cdk.tf.json": Parsed(
        load_synth, 107, check=_s3_locked("mycompany-myproject-cdktf-lock-00001")
    ),
    "matthew-monorepo__src_cdk_monorepo-cdk_cdktf.out_stacks_bootstrap_cdk.tf.json": Parsed(
        load_synth, 3, present={"aws_dynamodb_table.lock": None}, check=_local_backend
    ),
    "multi-cloud-k8s-boilerplate__cdktf.out_stacks_dev_cdk.tf.json": Parsed(
        load_synth, 3, check=_multi_cloud
    ),
    "nbiuk-infrastructure__terraform_tfplan.json": Parsed(
        load_plan,
        27,
        {"create": 25, "read": 2},
        exact_types={
            "aws_nat_gateway": {"aws_nat_gateway.nat"},
            "aws_eks_node_group": {"aws_eks_node_group.nodes"},
        },
    ),
    "s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json": Parsed(load_synth, 2, check=_cloud_block),
    "shrimanwar92-cdktf-poc__examples_cdktf.out_stacks_cdktf-project_cdk.tf.json": Parsed(
        load_synth, 1, check=_registry_nat
    ),
    "state_host_ga__.terraform_terraform.tfstate.json": Parsed(
        load_state,
        0,
        check=_backend_cache("state-host", dynamodb_table="terraform_locks", encrypt=None),
    ),
    "terraform__internal_command_testdata_show-json_plan-error_output.json": Refused(
        load_plan, ("errored", PLAN_REMEDY)
    ),
    "tfcompliance__tests_functional_test_issue-158_plan.out.json": Parsed(
        load_plan,
        29,
        {"create": 29},
        exact_types={
            "aws_nat_gateway": {f"module.vpc.aws_nat_gateway.this[{i}]" for i in range(3)}
        },
    ),
    "tfcompliance__tests_functional_test_issue-171_plan.out.json": Parsed(
        load_plan, 14, {"create": 14}, exact_types={"aws_lb": {"aws_lb.nlb-noncompliant"}}
    ),
    "tfcompliance__tests_functional_test_issue-249_plan.out.json": Parsed(
        load_plan,
        24,
        {"no-op": 18, "update": 4, "create": 2},
        present={
            "module.alb.aws_alb.alb": "update",
            "module.myapp-asg.aws_autoscaling_group.asg": "create",
        },
    ),
    "tfcompliance__tests_functional_test_issue_522_plan.out.json": Parsed(
        load_plan,
        15,
        {"delete": 2, "no-op": 7, "update": 1, "create": 5},
        present={"aws_cloudwatch_event_rule.Metricos_custom_alert_schedule_frequent[0]": "delete"},
    ),
    "tfcompliance__tests_functional_test_issue_796_plan.out.json": Parsed(
        load_plan,
        2,
        {"create": 2},
        present={"module.outer[0].module.inner.aws_cloudwatch_event_rule.example": "create"},
        check=_count_module,
    ),
    "tfcompliance__tests_functional_test_pull_330_plan.out.json": Parsed(
        load_plan, 9, {"create": 9}, exact_types={"aws_nat_gateway": {"aws_nat_gateway.gw"}}
    ),
    "tirith__tests_providers_terraform_plan_fixtures_input_implicit_elb_secgroup.json": Parsed(
        load_plan,
        4,
        {"create": 4},
        exact_types={"aws_elb": {"aws_elb.terra-elb", "aws_elb.without_secgroup"}},
    ),
    "tirith__tests_providers_terraform_plan_fixtures_input_s3_destroy.json": Parsed(
        load_plan,
        5,
        {"delete": 5},
        present={
            "module.s3_bucket.aws_s3_bucket.this[0]": "delete",
            "module.ec2.aws_instance.this[0]": "delete",
        },
        check=_all_deletes,
    ),
    "vpc-module-test__.terraform_terraform.tfstate.json": Parsed(
        load_state,
        0,
        check=_backend_cache(
            "84-remote-state-k", dynamodb_table=None, encrypt=True, use_lockfile=True
        ),
    ),
    "nonstandard/Terraform-VPC-setup__tfplan.json": Refused(
        load_plan, ("JSON Lines", "terraform plan -json", PLAN_REMEDY)
    ),
    "nonstandard/aws-validation__removingtfplan.json": Refused(
        load_plan, ("::debug::", WRAPPER_REMEDY)
    ),
    "nonstandard/infracost__cmd_infracost_testdata_plan_with_terraform_wrapper.json": Refused(
        load_plan, ("setup-terraform wrapper", WRAPPER_REMEDY)
    ),
    "nonstandard/tf-gatekeeper__test_plans_tfplan_red.json": Parsed(
        load_plan,
        23,
        {"delete": 15, "replace": 2, "create": 6},
        exact_types={"aws_nat_gateway": {f"aws_nat_gateway.nat[{i}]" for i in range(3)}},
        present={f"aws_nat_gateway.nat[{i}]": "create" for i in range(3)},
        check=_derived_from_address,
    ),
}


def _listing() -> list[str]:
    return ACTIVE.files()


def test_every_corpus_file_has_an_expectation() -> None:
    listing = _listing()
    assert sorted(set(listing) - set(EXPECTED)) == [], "a corpus file without an expectation"
    if not ACTIVE.vendored:  # the full corpus: exactly the expected files
        assert listing == sorted(EXPECTED)


# The full corpus: exactly its files. The vendored subset: its files, and the expected files it
# lacks, each skipped and named.
@pytest.mark.parametrize("name", sorted(set(_listing()) | set(EXPECTED)))
def test_corpus_file(name: str) -> None:
    path = corpus_file(name)
    expected = EXPECTED[name]
    if isinstance(expected, Refused):
        with pytest.raises(InputError) as refusal:
            expected.loader(path)
        message = str(refusal.value)
        assert "\n" not in message
        assert message.startswith(f"{path}: ")
        for phrase in expected.phrases:
            assert phrase in message
        return
    inventory = expected.loader(path)
    assert len(inventory.resources) == expected.count
    assert inventory.input_digests == {str(path): _sha256(path)}
    if expected.actions:
        assert Counter(r.action for r in inventory.resources) == expected.actions
    actions = {r.address: r.action for r in inventory.resources}
    for address, action in expected.present.items():
        assert actions[address] == action, address
    for rtype, addresses in expected.exact_types.items():
        assert {r.address for r in inventory.resources if r.type == rtype} == addresses
    if expected.check is not None:
        expected.check(inventory)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_document_detects_each_kind() -> None:
    """load_document reaches the same result as the kind-specific loader."""
    for name, expected in EXPECTED.items():
        if isinstance(expected, Parsed) and ACTIVE.has(name):  # the files present; all of the full corpus
            path = CORPUS / name
            assert load_document(path) == expected.loader(path), name


def test_state_is_refused_as_a_plan_by_name() -> None:
    path = corpus_file("infracost__cmd_infracost_testdata_terraform_v0.14_state.json")
    with pytest.raises(
        InputError,
        match=r"this is terraform state JSON, not a plan; .*terraform show -json PLANFILE",
    ):
        load_plan(path)


def test_plan_is_refused_as_state_and_as_synth() -> None:
    path = corpus_file("cv-challenge-03__terraform_tfplan.json")
    with pytest.raises(InputError, match="this is terraform plan JSON, not state"):
        load_state(path)
    with pytest.raises(InputError, match="this is terraform plan JSON, not cdktf synth output"):
        load_synth(path)


def test_synth_is_refused_as_a_plan() -> None:
    path = corpus_file("s2b-infra__cdktf.out_stacks_stack-prd_cdk.tf.json")
    with pytest.raises(InputError, match=r"cdktf synth output \(cdk.tf.json\), not a plan"):
        load_plan(path)


def test_backend_cache_is_refused_as_a_plan() -> None:
    path = corpus_file("vpc-module-test__.terraform_terraform.tfstate.json")
    with pytest.raises(
        InputError, match=r"backend cache \(.terraform/terraform.tfstate\), not a plan"
    ):
        load_plan(path)

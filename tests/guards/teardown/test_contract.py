"""The destroy contract as a pure function: exact failing subjects for small plans."""

from __future__ import annotations

import pytest

from guards.documents import collect_plan
from guards.findings import Status
from guards.inventory import Backend, Resource
from guards.teardown.contract import (
    backend_scope,
    destroy_contract,
    destroy_set,
    owned_by,
    target_scope,
)
from guards.teardown.identity import identities_of
from guards.teardown.preserve import preserve_set
from stackguard.preserve import preserved_identities
from tests.support.operator_env import BUCKET, TABLE
from tests.support.plans import ACCOUNT, CONFIG, plan_change

PRESERVE = preserve_set(
    preserved_identities(CONFIG, ["state_bucket", "lock_table", "evidence_bucket", "budget", "alert_topic", "ci_identity"], ACCOUNT),
    [Resource("core", "aws_ecr_repository", "ecr_repository", "synth", values={"name": "sg-devmin-core-images"})],
)
OWNED = owned_by(
    [Resource("demo", "aws_vpc", "vpc", "synth"), Resource("demo", "aws_subnet", "public", "synth", count_unknown=True)],
    [Resource("demo", "aws_iam_role", "legacy", "state", values={"name": "sg-devmin-demo-legacy"})],
)


def failing(changes: list[dict]) -> set[tuple[str, str]]:
    plan = collect_plan({"format_version": "1.2", "resource_changes": changes}, stack="demo")
    findings = destroy_contract(plan, target="demo", owned=OWNED, preserve=PRESERVE)
    return {(f.code, f.subject) for f in findings if f.status is not Status.PASS}


def delete(rtype: str, name: str, before: dict, module: str = "") -> dict:
    return plan_change(rtype, name, before, ["delete"], module=module)


def test_the_demo_stacks_own_deletes_pass():
    assert failing([
        delete("aws_vpc", "vpc", {"id": "vpc-1"}),
        {**delete("aws_subnet", "public", {"id": "subnet-1"}), "index": 1, "address": "aws_subnet.public[1]"},
        delete("aws_iam_role", "legacy", {"name": "sg-devmin-demo-legacy"}),  # only in demo's state
    ]) == set()


@pytest.mark.parametrize(
    "change",
    [
        delete("aws_s3_bucket", "anything", {"bucket": BUCKET}, module="module.x"),
        delete("aws_s3_bucket_versioning", "v", {"bucket": BUCKET, "id": BUCKET}),
        delete("aws_s3_object", "o", {"bucket": CONFIG.evidence.bucket, "key": "dev_min/x"}),
        delete("aws_dynamodb_table", "t", {"name": TABLE}, module='module.a["k"].module.b'),
        delete("aws_dynamodb_table_item", "i", {"table_name": TABLE}),
        delete("aws_iam_role", "r", {"name": CONFIG.ci_role_name("deploy").upper()}),  # IAM names ignore case
        delete("aws_iam_role_policy", "p", {"role": CONFIG.ci_role_name("teardown"), "name": "ci-teardown-manage"}),
        delete("aws_iam_openid_connect_provider", "gh", {"url": "https://token.actions.githubusercontent.com"}),
        delete("aws_sns_topic_subscription", "s", {"topic_arn": f"arn:aws:sns:eu-west-2:{ACCOUNT}:{CONFIG.alert_topic_name}"}),
        delete("aws_budgets_budget", "b", {"id": f"{ACCOUNT}:sg-devmin-monthly"}),
        delete("aws_something", "by_arn_only", {"arn": "arn:aws:s3:::sg-devmin-tfstate-eu-west-2"}),
        delete("aws_ecr_repository", "images", {"name": "sg-devmin-core-images"}),  # from core's synth
    ],
    ids=lambda change: change["address"],
)
def test_a_preserved_identity_is_a_violation_at_any_address(change):
    assert ("preserve-violation", change["address"]) in failing([change])


def test_an_empty_preserve_list_still_preserves_the_floor():
    """`[teardown] preserve = []`: the state bucket, lock table and evidence bucket stay."""
    floor_only = preserve_set(preserved_identities(CONFIG, [], ACCOUNT), [])
    plan = collect_plan(
        {"resource_changes": [
            delete("aws_s3_bucket", "state", {"bucket": BUCKET}),
            delete("aws_dynamodb_table", "locks", {"name": TABLE}),
            delete("aws_s3_bucket", "evidence", {"bucket": CONFIG.evidence.bucket}),
        ]},
        stack="demo",
    )
    findings = destroy_contract(plan, target="demo", owned=OWNED, preserve=floor_only)
    violations = {f.subject: f.message for f in findings if f.code == "preserve-violation" and f.status is Status.FAIL}
    assert set(violations) == {"aws_s3_bucket.state", "aws_dynamodb_table.locks", "aws_s3_bucket.evidence"}
    assert "preserve floor (state_bucket)" in violations["aws_s3_bucket.state"]


def test_names_that_only_look_alike_are_not_violations():
    assert failing([
        # an inline policy named like core's, on demo's own role
        delete("aws_iam_role_policy", "p", {"role": "sg-devmin-demo-legacy", "name": "terraform-state-access"}),
        # demo's task role may name the evidence bucket inside its policy document
        delete("aws_iam_role", "legacy", {"name": "sg-devmin-demo-legacy", "inline_policy": f'{{"Resource": "arn:aws:s3:::{CONFIG.evidence.bucket}/*"}}'}),
    ]) == {("destroy-out-of-scope", "aws_iam_role_policy.p")}


def test_deletes_the_target_does_not_own_are_out_of_scope():
    assert failing([delete("aws_instance", "web", {"id": "i-1"}, module="module.other")]) == {
        ("destroy-out-of-scope", "module.other.aws_instance.web")
    }


def test_only_deletes_forgets_and_no_ops_belong_in_a_destroy_plan():
    changes = [
        plan_change("aws_vpc", "vpc", {"id": "vpc-1"}, ["no-op"]),
        plan_change("aws_route_table", "kept", {"id": "rtb-1"}, ["forget"]),
        plan_change("aws_ami", "latest", {"id": "ami-1"}, ["read"], mode="data"),
        plan_change("aws_nat_gateway", "new", {"subnet_id": "s"}, ["create"]),
        plan_change("aws_subnet", "public", {"id": "subnet-1"}, ["update"]),
        plan_change("aws_s3_bucket", "state", {"bucket": BUCKET}, ["delete", "create"]),
    ]
    assert failing(changes) == {
        # a forget is no unexpected action, but it leaves the route table behind (below)
        ("residual-resource", "aws_route_table.kept"),
        ("destroy-unexpected-action", "aws_nat_gateway.new"),
        ("destroy-unexpected-action", "aws_subnet.public"),
        ("destroy-unexpected-action", "aws_s3_bucket.state"),
        ("preserve-violation", "aws_s3_bucket.state"),  # a replace deletes the old bucket first
        ("destroy-out-of-scope", "aws_s3_bucket.state"),
    }


def test_a_forgotten_resource_is_a_residual_and_not_destroyed():
    """`removed { lifecycle { destroy = false } }`: the cost rules count it as billing, so a
    teardown that forgets it leaves it running, unmanaged."""
    changes = [
        delete("aws_vpc", "vpc", {"id": "vpc-1"}),
        plan_change("aws_db_instance", "db", {"identifier": "sg-devmin-demo-db"}, ["forget"]),
        plan_change("aws_ecs_service", "api", {"name": "api", "desired_count": 1}, ["forget"], module="module.app"),
        plan_change("aws_ami", "latest", {"id": "ami-1"}, ["forget"], mode="data"),  # data sources bill nothing
    ]
    assert failing(changes) == {
        ("residual-resource", "aws_db_instance.db"),
        ("residual-resource", "module.app.aws_ecs_service.api"),
    }
    plan = collect_plan({"format_version": "1.2", "resource_changes": changes}, stack="demo")
    [finding] = [f for f in destroy_contract(plan, target="demo", owned=OWNED, preserve=PRESERVE) if f.subject == "aws_db_instance.db"]
    assert "stays in the account" in finding.message and "keeps billing" in finding.message
    assert destroy_set(plan) == ["aws_vpc.vpc"]


def test_every_code_passes_visibly_on_a_clean_plan():
    plan = collect_plan({"resource_changes": [delete("aws_vpc", "vpc", {})]}, stack="demo")
    findings = destroy_contract(plan, target="demo", owned=OWNED, preserve=PRESERVE)
    assert {(f.code, f.status) for f in findings} == {
        ("preserve-violation", Status.PASS), ("destroy-out-of-scope", Status.PASS), ("destroy-unexpected-action", Status.PASS),
        ("residual-resource", Status.PASS),
    }


def test_only_allowed_stacks_of_this_platform_are_in_scope():
    known = ["core", "confluent", "demo"]
    assert [f.status for f in target_scope("demo", ["confluent", "demo"], known)] == [Status.PASS]
    refused = target_scope("core", ["confluent", "demo"], known)
    assert [(f.status, f.subject) for f in refused] == [(Status.FAIL, "core")]
    unknown = target_scope("kafka", ["kafka"], known)
    assert [f.status for f in unknown] == [Status.FAIL] and "not a stack of this platform" in unknown[0].message


def test_the_synthesized_backend_must_be_the_targets_partition():
    key = CONFIG.state_key("demo")
    own = Backend("demo", "s3", {"bucket": BUCKET, "key": key})
    core = Backend("demo", "s3", {"bucket": BUCKET, "key": CONFIG.state_key("core")})
    local = Backend("demo", "local", {"path": "x.tfstate"})
    assert [f.status for f in backend_scope([own], target="demo", bucket=BUCKET, key=key)] == [Status.PASS]
    for backend in (core, local):
        assert [f.status for f in backend_scope([backend], target="demo", bucket=BUCKET, key=key)] == [Status.FAIL]
    assert [f.status for f in backend_scope([], target="demo", bucket=BUCKET, key=key)] == [Status.FAIL]


def test_tokens_and_hidden_values_are_no_identity():
    resource = Resource("core", "aws_s3_bucket_policy", "p", "synth", values={"bucket": "${aws_s3_bucket.state_bucket.id}"})
    assert identities_of(resource) == frozenset()
    hidden = Resource("demo", "aws_iam_role", "r", "plan", values={"name": "(sensitive)"})
    assert identities_of(hidden) == frozenset()

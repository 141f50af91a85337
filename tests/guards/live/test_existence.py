"""What the tagging API lists, confirmed by each resource's own service, against moto over
HTTP: moto, like AWS, keeps listing deregistered task definitions and deleted clusters."""

from __future__ import annotations

import pytest

from foundation.aws import client_factory
from guards.findings import Status
from guards.live.existence import IAM_ACTIONS, confirm_existence, resource_kind
from guards.live.tagging import tagged_resources
from guards.live_facts import TaggedResource
from guards.teardown.verification import live_residuals
from tests.conftest import REPO_ROOT
from tests.support.refusals import refuse

REGION = "eu-west-2"
ACCOUNT = "123456789012"  # moto's
DEMO = {"stack": "demo", "environment": "dev_min"}
CONTAINERS = [{"name": "api", "image": "nginx", "memory": 512}]


def _ecs_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]


def seed_torn_down_demo(session) -> dict[str, str]:
    """What a real destroy of demo leaves for the tagging API, plus a service still running
    and a revision registered outside the state: ARNs by what they are."""
    ecs = session.client("ecs", region_name=REGION)
    register = dict(family="devmin-demo-api", containerDefinitions=CONTAINERS, tags=_ecs_tags(DEMO))
    old = ecs.register_task_definition(**register)["taskDefinition"]["taskDefinitionArn"]
    current = ecs.register_task_definition(**register)["taskDefinition"]["taskDefinitionArn"]
    ecs.deregister_task_definition(taskDefinition=old)
    gone_cluster = ecs.create_cluster(clusterName="devmin-demo-old", tags=_ecs_tags(DEMO))["cluster"]["clusterArn"]
    ecs.delete_cluster(cluster=gone_cluster)
    cluster = ecs.create_cluster(clusterName="devmin-demo-cluster", tags=_ecs_tags(DEMO))["cluster"]["clusterArn"]
    service = ecs.create_service(
        cluster=cluster, serviceName="devmin-demo-api", taskDefinition=current, desiredCount=0, tags=_ecs_tags(DEMO)
    )["service"]["serviceArn"]
    drained = ecs.create_service(
        cluster=cluster, serviceName="devmin-demo-worker", taskDefinition=current, desiredCount=0, tags=_ecs_tags(DEMO)
    )["service"]["serviceArn"]
    ecs.delete_service(cluster=cluster, service=drained)
    return {
        "deregistered": old, "active revision": current, "deleted cluster": gone_cluster,
        "cluster": cluster, "service": service, "deleted service": drained,
    }  # fmt: skip


def confirmed(tagged: list[TaggedResource]) -> dict[str, tuple[str, str | None, str | None]]:
    return {
        item.arn: (item.confirmation.state, item.confirmation.said, item.confirmation.method)
        for item in tagged
        if item.confirmation is not None
    }


def test_each_listed_resource_is_confirmed_by_its_service(aws):
    seeded = seed_torn_down_demo(aws)

    tagged, errors = tagged_resources(client_factory(aws), [REGION], {"stack": "demo"})

    assert errors == []
    assert confirmed(tagged) == {
        seeded["deregistered"]: ("gone", "INACTIVE", "ecs:DescribeTaskDefinition"),
        seeded["active revision"]: ("exists", "ACTIVE", "ecs:DescribeTaskDefinition"),
        seeded["deleted cluster"]: ("gone", "INACTIVE", "ecs:DescribeClusters"),
        seeded["cluster"]: ("exists", "ACTIVE", "ecs:DescribeClusters"),
        seeded["service"]: ("exists", "ACTIVE", "ecs:DescribeServices"),
        seeded["deleted service"]: ("gone", "INACTIVE", "ecs:DescribeServices"),
    }


def test_only_what_still_exists_is_a_residual(aws):
    seeded = seed_torn_down_demo(aws)
    tagged, _ = tagged_resources(client_factory(aws), [REGION], {"stack": "demo"})

    findings = live_residuals("demo", "dev_min", [], tagged)

    family = seeded["active revision"].rsplit(":", 1)[0]
    assert {(f.code, f.subject, f.status) for f in findings} == {
        ("residual-resource", seeded["cluster"], Status.FAIL),
        ("residual-resource", seeded["service"], Status.FAIL),
        ("task-definition-left-active", family, Status.FAIL),
    }
    (revisions,) = [f.message for f in findings if f.subject == family]
    assert revisions.startswith("revision(s) 2 still ACTIVE")


def test_a_describe_that_fails_is_an_error_naming_the_action(aws):
    seeded = seed_torn_down_demo(aws)
    refuse(aws, "ecs.DescribeTaskDefinition")
    tagged, _ = tagged_resources(client_factory(aws), [REGION], {"stack": "demo"})

    findings = live_residuals("demo", "dev_min", [], tagged)

    errors = {f.subject: f.message for f in findings if f.status is Status.ERROR}
    assert set(errors) == {seeded["deregistered"], seeded["active revision"]}
    assert all("ecs:DescribeTaskDefinition failed with AccessDenied" in message for message in errors.values())


def _listed(arn: str) -> TaggedResource:
    return TaggedResource(arn, REGION, DEMO)


def test_not_found_is_gone_for_every_service_asked(aws):
    ec2 = aws.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    logs = aws.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="/devmin/demo/api")
    aws.client("ssm", region_name=REGION).put_parameter(Name="/devmin/dev_min/x", Value="v", Type="String")
    here = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:{{}}"
    arns = {
        here.format("ec2", f"vpc/{vpc}"): ("exists", None),
        here.format("ec2", "vpc/vpc-0000000000000000f"): ("gone", "InvalidVpcID.NotFound"),
        here.format("ec2", "security-group/sg-0000000000000000f"): ("gone", "InvalidGroup.NotFound"),
        here.format("logs", "log-group:/devmin/demo/api:*"): ("exists", None),
        here.format("logs", "log-group:/devmin/demo/gone"): ("gone", "not listed"),
        here.format("rds", "db:devmin-demo-db"): ("gone", "DBInstanceNotFound"),
        here.format("rds", "subgrp:devmin-demo-db"): ("gone", "DBSubnetGroupNotFoundFault"),
        here.format("ssm", "parameter/devmin/dev_min/x"): ("exists", None),
        here.format("ssm", "parameter/devmin/dev_min/gone"): ("gone", "not listed"),
        here.format("secretsmanager", "secret:rds!db-1-AbCdEf"): ("gone", "ResourceNotFoundException"),
        here.format("ecs", "task-definition/nothing:1"): ("gone", "ClientException"),
    }

    checked = confirm_existence(client_factory(aws), [_listed(arn) for arn in arns])

    assert {item.arn: (item.confirmation.state, item.confirmation.said) for item in checked} == arns


def test_what_cannot_be_asked_gets_no_confirmation(aws):
    unknown = [
        _listed(f"arn:aws:iam::{ACCOUNT}:role/devmin-demo-task"),  # no describe here
        _listed(f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/old-format-service"),  # names no cluster
        _listed("not-an-arn"),
    ]
    assert [item.confirmation for item in confirm_existence(client_factory(aws), unknown)] == [None, None, None]


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:ecs:r:1:task-definition/api:12", ("ecs", "task-definition", "api:12")),
        ("arn:aws:ecs:r:1:service/cluster/api", ("ecs", "service", "cluster/api")),
        ("arn:aws:logs:r:1:log-group:/a/b:*", ("logs", "log-group", "/a/b:*")),
        ("arn:aws-cn:rds:r:1:db:x", ("rds", "db", "x")),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:ecs", None),
    ],
)
def test_resource_kind(arn, kind):
    assert resource_kind(arn) == kind


def test_every_action_asked_is_an_iam_action_docs_teardown_names():
    """docs/teardown.md lists what the teardown verification's describe calls need."""
    documented = " ".join((REPO_ROOT / "docs" / "teardown.md").read_text().split())
    assert all(action.count(":") == 1 and action.split(":")[1][:1].isupper() for action in IAM_ACTIONS)
    assert [action for action in IAM_ACTIONS if f"`{action}`" not in documented] == []

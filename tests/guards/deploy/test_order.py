"""`deploy-order`: a stack is deployed only after the stacks it needs hold state."""

import pytest

from guards.deploy import deploy_order, upstream_of
from guards.findings import Status
from guards.inventory import Resource


def managed(stack: str, name: str = "thing") -> Resource:
    return Resource(stack=stack, type="aws_s3_bucket", name=name, source="state")


def data_source(stack: str) -> Resource:
    return Resource(stack=stack, type="aws_caller_identity", name="me", mode="data", source="state")


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("core", "remote_state", ()),
        ("confluent", "remote_state", ("core",)),
        ("confluent", "manual", ("core",)),
        ("demo", "remote_state", ("confluent",)),
        ("demo", "manual", ()),
    ],
)
def test_upstream_follows_the_topology_and_demos_confluent_mode(target, source, expected):
    assert upstream_of(target, source) == expected


def test_an_upstream_stack_with_state_passes():
    findings = deploy_order("confluent", ("core",), {"core": [managed("core")]}, confluent_source="remote_state")
    assert [(f.code, f.status, f.subject) for f in findings] == [("deploy-order", Status.PASS, "stack:core")]


@pytest.mark.parametrize("states", [{}, {"core": []}, {"core": [data_source("core")]}])
def test_an_empty_or_data_only_upstream_state_fails_naming_what_comes_first(states):
    [finding] = deploy_order("confluent", ("core",), states, confluent_source="remote_state")
    assert (finding.code, finding.status, finding.subject, finding.stack) == (
        "deploy-order", Status.FAIL, "stack:core", "confluent"
    )
    assert "stackguard deploy core" in finding.message


def test_demo_in_remote_state_mode_is_told_about_the_manual_switch():
    [finding] = deploy_order("demo", ("confluent",), {"confluent": []}, confluent_source="remote_state")
    assert finding.status is Status.FAIL
    assert 'demo.confluent_source = "manual"' in finding.message


def test_no_upstream_means_no_finding():
    assert deploy_order("core", (), {}, confluent_source="remote_state") == []

"""demo/confluent coupling, and the post-apply judgement, as pure functions."""

from __future__ import annotations

from foundation.topology import STACK_NAMES
from guards.documents import collect_synth
from guards.findings import Status
from guards.inventory import Resource
from guards.live_facts import Confirmation, Presence, TaggedResource
from guards.teardown.coupling import dependents_gone, remote_state_sources, sources_present
from guards.teardown.verification import (
    apply_outcome,
    live_residuals,
    preserve_presence,
    state_residuals,
)
from tests.support.plans import CONFIG

KEYS = {stack: CONFIG.state_key(stack) for stack in STACK_NAMES}
VPC = Resource("demo", "aws_vpc", "vpc", "state")


def statuses(findings) -> list[tuple[str, Status]]:
    return [(f.subject, f.status) for f in findings]


def test_our_demo_reads_confluents_state(stacks):
    demo = collect_synth(stacks["demo"], "demo")
    sources = remote_state_sources(demo, {key: stack for stack, key in KEYS.items()})
    assert [(s.address, s.stack, s.key) for s in sources] == [
        ("data.terraform_remote_state.confluent_state", "confluent", KEYS["confluent"])
    ]
    assert remote_state_sources(collect_synth(stacks["confluent"], "confluent"), KEYS) == []


def test_confluent_goes_only_after_demo_is_empty():
    assert statuses(dependents_gone("confluent", {"demo": [VPC]}, KEYS)) == [(KEYS["demo"], Status.FAIL)]
    assert statuses(dependents_gone("confluent", {"demo": []}, KEYS)) == [(KEYS["demo"], Status.PASS)]
    assert dependents_gone("confluent", {"demo": None}, KEYS) == []  # unreadable: its own ERROR


def test_demo_needs_confluents_state_or_the_manual_switch(stacks):
    sources = remote_state_sources(collect_synth(stacks["demo"], "demo"), {key: stack for stack, key in KEYS.items()})
    gone = sources_present("demo", sources, {"confluent": []}, "switch to manual")
    assert statuses(gone) == [("data.terraform_remote_state.confluent_state", Status.FAIL)]
    assert gone[0].message.endswith("switch to manual")
    present = sources_present("demo", sources, {"confluent": [Resource("confluent", "aws_ssm_parameter", "p", "state")]}, "")
    assert statuses(present) == [("data.terraform_remote_state.confluent_state", Status.PASS)]


def test_residuals_are_the_targets_in_this_environment_once_per_arn():
    def live(arn: str, tags: dict) -> Resource:
        return Resource(tags.get("stack"), "aws_ecs_service", arn.rsplit("/", 1)[-1], "live", values={"tags": tags, "desired_count": 2}, arn=arn)

    ours = {"stack": "demo", "environment": "dev_min"}
    findings = live_residuals(
        "demo",
        "dev_min",
        [live("arn:aws:ecs:r:1:service/c/a", ours), live("arn:aws:ecs:r:1:service/c/b", {"stack": "demo", "environment": "prod"})],
        [TaggedResource("arn:aws:ecs:r:1:service/c/a", "r", ours), TaggedResource("arn:aws:logs:r:1:log-group:x", "r", {"stack": "demo"})],
    )
    assert statuses(findings) == [
        ("arn:aws:ecs:r:1:service/c/a", Status.FAIL),
        ("arn:aws:logs:r:1:log-group:x", Status.FAIL),
    ]
    assert statuses(live_residuals("demo", "dev_min", [], [])) == [("live", Status.PASS)]


def test_listed_resources_are_judged_by_their_services_word():
    ours = {"stack": "demo"}

    def listed(arn: str, state: str | None, said: str | None = None) -> TaggedResource:
        confirmation = Confirmation(state, "ecs:DescribeX", said) if state else None
        return TaggedResource(f"arn:aws:ecs:r:1:{arn}", "r", ours, confirmation)

    findings = live_residuals(
        "demo",
        "dev_min",
        [],
        [
            listed("cluster/gone", "gone", "INACTIVE"),
            listed("cluster/up", "exists", "ACTIVE"),
            listed("cluster/unasked", None),
            listed("cluster/refused", "unreadable", "AccessDenied"),
            listed("task-definition/api:10", "exists", "ACTIVE"),
            listed("task-definition/api:2", "exists", "ACTIVE"),
            listed("task-definition/api:1", "gone", "INACTIVE"),
            listed("task-definition/worker:3", "unreadable", "ThrottlingException"),
        ],
    )

    assert {(f.code, f.subject.split(":", 5)[5], f.status) for f in findings} == {
        ("residual-resource", "cluster/up", Status.FAIL),
        ("residual-resource", "cluster/unasked", Status.FAIL),
        ("residual-resource", "cluster/refused", Status.ERROR),
        ("residual-resource", "task-definition/worker:3", Status.ERROR),
        ("task-definition-left-active", "task-definition/api", Status.FAIL),
    }
    messages = {f.subject.split(":", 5)[5]: f.message for f in findings}
    assert "ecs:DescribeX failed with AccessDenied" in messages["cluster/refused"]
    assert messages["task-definition/api"].startswith("revision(s) 2, 10 still ACTIVE")
    only_gone = live_residuals("demo", "dev_min", [], [listed("cluster/gone", "gone", "INACTIVE")])
    assert [(f.status, f.message) for f in only_gone] == [
        (Status.PASS, "nothing tagged stack=demo is left (1 listed but confirmed gone)")
    ]


def test_state_presence_and_outcome():
    data = Resource("demo", "aws_ami", "a", "state", mode="data")
    assert statuses(state_residuals("demo", [VPC, data])) == [("aws_vpc.vpc", Status.FAIL)]
    assert statuses(preserve_presence([Presence("lock_table", "t", False), Presence("budget", "b", True)])) == [("t", Status.FAIL)]
    assert apply_outcome(["b", "a", "c"], ["c"]) == (["a", "b"], ["c"])

"""The policy file: validated, field-named errors, and a digest that tracks meaning."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
import tomli_w

from foundation import topology
from guards.catalog import CATALOG
from guards.policy import PolicyError, load_policy
from tests.conftest import REPO_ROOT

POLICY_FILE = REPO_ROOT / "policy.toml"
WAIVER = {"rule": "forbidden-nat-gateway", "subject": "aws_nat_gateway.*", "justification": "long enough reason", "expires": "2027-01-01"}


def variant(tmp_path, mutate):
    raw = tomllib.loads(POLICY_FILE.read_text())
    mutate(raw)
    path = tmp_path / "policy.toml"
    path.write_text(tomli_w.dumps(raw))
    return path


def test_shipped_policy_is_the_dev_min_posture():
    policy = load_policy(POLICY_FILE)
    assert set(policy.cost.forbidden_types) >= {
        "aws_nat_gateway", "aws_lb", "aws_alb", "aws_elb", "aws_autoscaling_group", "aws_eks_node_group",
        "aws_spot_fleet_request", "aws_ec2_fleet", "aws_eks_cluster", "aws_globalaccelerator_accelerator",
        "aws_cloudformation_stack", "aws_cloudformation_stack_set", "awscc_ec2_nat_gateway",
    }
    assert policy.cost.endpoint_types == ["aws_vpc_endpoint"] and policy.cost.free_endpoint_kinds == ["Gateway"]
    assert policy.cost.instance_types == ["aws_instance", "aws_spot_instance_request"]
    assert not {t for t in policy.cost.forbidden_types if t.startswith("awscc_")} - set(policy.cost.unverifiable_types)
    assert [str(t) for t in policy.budget.thresholds_usd] == ["10", "20", "28"]
    assert str(policy.budget.stop_threshold_usd) == "28"
    assert policy.stacks.lifecycle_of("core") == "persistent"
    assert policy.stacks.lifecycle_of("demo") == "ephemeral"
    assert policy.teardown.allowed_stacks == ["confluent", "demo"]
    assert set(policy.teardown.preserve) == {
        "state_bucket", "lock_table", "evidence_bucket", "budget", "alert_topic", "ci_identity"
    }


def test_stacks_and_teardown_scope_come_from_the_topology():
    raw = tomllib.loads(POLICY_FILE.read_text())
    assert set(raw["stacks"]) == {"lifecycle_tag"} and "allowed_stacks" not in raw["teardown"]
    policy = load_policy(POLICY_FILE)
    assert policy.stacks.persistent == list(topology.PERSISTENT)
    assert policy.stacks.ephemeral == list(topology.EPHEMERAL)
    assert policy.teardown.allowed_stacks == list(topology.EPHEMERAL)
    assert {stack: policy.stacks.lifecycle_of(stack) for stack in topology.STACK_NAMES} == topology.LIFECYCLE


def test_lists_written_out_as_the_topology_has_them_keep_the_digest(tmp_path):
    """The digest is over the validated model: equal defaults, equal digest."""

    def spelled_out(raw):
        raw["stacks"].update(persistent=["core"], ephemeral=["confluent", "demo"])
        raw["teardown"].update(allowed_stacks=["confluent", "demo"])

    assert load_policy(variant(tmp_path, spelled_out)).digest == load_policy(POLICY_FILE).digest


def test_a_policy_may_narrow_the_teardown_scope_and_name_other_stacks(tmp_path):
    def narrowed(raw):
        raw["teardown"].update(allowed_stacks=["demo"])
        raw["stacks"].update(persistent=["platform"], ephemeral=["sandbox"])

    policy = load_policy(variant(tmp_path, narrowed))
    assert policy.teardown.allowed_stacks == ["demo"]
    assert [policy.stacks.lifecycle_of(s) for s in ("platform", "sandbox", "core", "demo", "other", None)] == [
        "persistent", "ephemeral", "persistent", "ephemeral", None, None
    ]
    assert policy.digest != load_policy(POLICY_FILE).digest


def test_digest_ignores_formatting_but_not_meaning(tmp_path):
    original = load_policy(POLICY_FILE).digest
    assert load_policy(variant(tmp_path, lambda raw: None)).digest == original
    changed = load_policy(variant(tmp_path, lambda raw: raw["budget"].update(limit_usd=31))).digest
    assert changed != original


LOADED_ON = dt.date(2026, 11, 23)


@pytest.mark.parametrize("subject", ["*", "**", "?*", "[*]", "*[*]*", "*.*", "*/*", "[!a]*", " * "])
def test_a_waiver_whose_subject_is_only_wildcards_is_refused(tmp_path, subject):
    path = variant(tmp_path, lambda r: r.update(waivers=[WAIVER | {"subject": subject}]))
    with pytest.raises(PolicyError) as error:
        load_policy(path, today=LOADED_ON)
    assert "waivers.0: " in str(error.value) and "the subject is only wildcards" in str(error.value)


@pytest.mark.parametrize("subject", ["module.legacy_*", "aws_nat_gateway.*", "arn:aws:ec2:*:natgateway/nat-1*"])
def test_a_waiver_subject_that_names_something_is_accepted(tmp_path, subject):
    path = variant(tmp_path, lambda r: r.update(waivers=[WAIVER | {"subject": subject}]))
    assert load_policy(path, today=LOADED_ON).waivers[0].subject == subject


@pytest.mark.parametrize("justification", [" " * 12, "\t\n" * 6, "   short   "])
def test_a_blank_justification_is_refused(tmp_path, justification):
    path = variant(tmp_path, lambda r: r.update(waivers=[WAIVER | {"justification": justification}]))
    with pytest.raises(PolicyError) as error:
        load_policy(path, today=LOADED_ON)
    assert "waivers.0: " in str(error.value) and "justification is blank or too short" in str(error.value)


def test_an_expiry_past_the_horizon_is_refused_on_the_day_it_is_loaded(tmp_path):
    """180 days by default, counted from the day the policy is loaded (injected here)."""
    at_horizon = LOADED_ON + dt.timedelta(days=180)
    path = variant(tmp_path, lambda r: r.update(waivers=[WAIVER | {"expires": at_horizon}]))
    assert load_policy(path, today=LOADED_ON).waivers[0].expires == at_horizon
    with pytest.raises(PolicyError) as error:
        load_policy(path, today=LOADED_ON - dt.timedelta(days=1))
    message = str(error.value)
    assert message.endswith(
        f"waivers: waiver for 'forbidden-nat-gateway' on 'aws_nat_gateway.*' expires {at_horizon}, "
        f"past {at_horizon - dt.timedelta(days=1)} (180 days from 2026-11-22, waivers_policy.max_days)"
    )
    assert "\n" not in message


def test_the_horizon_is_the_policys_and_at_most_a_year(tmp_path):
    far = LOADED_ON + dt.timedelta(days=300)
    longer = variant(tmp_path, lambda r: (r["waivers_policy"].update(max_days=366), r.update(waivers=[WAIVER | {"expires": far}])))
    assert load_policy(longer, today=LOADED_ON).waivers_policy.max_days == 366
    shorter = variant(tmp_path, lambda r: (r["waivers_policy"].update(max_days=30), r.update(waivers=[WAIVER | {"expires": far}])))
    with pytest.raises(PolicyError, match="30 days from"):
        load_policy(shorter, today=LOADED_ON)
    for days in (0, 367, 3650):
        with pytest.raises(PolicyError, match="waivers_policy.max_days"):
            load_policy(variant(tmp_path, lambda r, d=days: r["waivers_policy"].update(max_days=d)), today=LOADED_ON)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r["budget"].update(stop_threshold_usd=25), "budget: stop_threshold_usd must be one of"),
        (lambda r: r["budget"].update(thresholds_usd=[20, 10, 28]), "budget: thresholds_usd must be strictly ascending"),
        (lambda r: r["backend"].update(key_pattern="{environment}/terraform.tfstate"), "backend: key_pattern must contain {stack}"),
        (lambda r: r.update(surprise=1), "surprise: unknown field"),
        (lambda r: r["teardown"].update(allowed_stacks=["core", "demo"]), "teardown.allowed_stacks must not name a persistent stack (core)"),
        (lambda r: r["teardown"].update(preserve=["state_bucket", "everything"]), "teardown.preserve.1"),
        (
            lambda r: r.update(waivers=[{"rule": "Bad Rule", "subject": "x", "justification": "long enough reason", "expires": "2027-01-01"}]),
            "waivers.0.rule",
        ),
        (lambda r: r.update(waivers=[{"rule": "unknown-count", "subject": "x", "justification": "why"}]), "waivers.0.justification"),
        (
            lambda r: r.update(waivers=[WAIVER | {"rule": "forbiden-nat-gateway"}]),
            "waivers.0: waiver for 'forbiden-nat-gateway' on 'aws_nat_gateway.*': unknown code (not in the catalog",
        ),
        (
            lambda r: r.update(waivers=[WAIVER, WAIVER | {"rule": "static-credentials"}]),
            (
                "waivers.1: waiver for 'static-credentials' on 'aws_nat_gateway.*': static-credentials "
                "cannot be waived in the policy (--allow-static-credentials is the visible way)"
            ),
        ),
        (
            lambda r: r.update(waivers=[WAIVER | {"rule": "preserve-violation"}]),
            "preserve-violation cannot be waived in the policy (it is a safety gate)",
        ),
        (lambda r: r["stacks"].update(ephemeral=["core"]), "stacks: ephemeral contradicts foundation/topology.py (core is persistent)"),
        (lambda r: r["stacks"].update(persistent=["core", "demo"]), "stacks: persistent contradicts foundation/topology.py (demo is ephemeral)"),
        (lambda r: r["stacks"].update(persistent=["sandbox"], ephemeral=["sandbox"]), "stacks: sandbox cannot be both persistent and ephemeral"),
        (
            lambda r: (r["stacks"].update(persistent=[]), r["teardown"].update(allowed_stacks=["confluent", "core"])),
            "teardown.allowed_stacks must not name a persistent stack (core)",
        ),
        (lambda r: r["cost"].update(instance_types=["aws_instance", "aws_eks_cluster"]), "cost: aws_eks_cluster is in both eks_cluster_types and instance_types"),
        (lambda r: r["cost"]["modules"][0].update(source="terraform-aws-modules/vpc/aws//"), "cost.modules.0.source"),
        (lambda r: r["cost"]["modules"][0].update(source="git::https://example.com/vpc.git"), "cost.modules.0.source"),
        (
            lambda r: r["cost"]["modules"][0]["switches"][0].update(code="unknown-count"),
            "cost.modules.0.switches.0.code: must be one of forbidden-nat-gateway, forbidden-load-balancer, always-on-fleet",
        ),
    ],
)
def test_invalid_policy_names_the_field(tmp_path, mutate, field):
    with pytest.raises(PolicyError) as error:
        load_policy(variant(tmp_path, mutate))
    assert field in str(error.value)
    assert "\n" not in str(error.value)


def test_a_waiver_for_a_waivable_catalog_code_is_valid(tmp_path):
    policy = load_policy(variant(tmp_path, lambda r: r.update(waivers=[WAIVER])))
    assert [w.rule for w in policy.waivers] == ["forbidden-nat-gateway"]


@pytest.mark.parametrize("code", sorted(c.id for c in CATALOG.values() if not c.waivable))
def test_no_safety_gate_can_be_waived_in_the_policy(tmp_path, code):
    with pytest.raises(PolicyError, match=f"{code} cannot be waived in the policy"):
        load_policy(variant(tmp_path, lambda r: r.update(waivers=[WAIVER | {"rule": code}])))


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="policy file not found"):
        load_policy(tmp_path / "nope.toml")


def test_verdict_profiles_default_and_closure_and_unknown():
    from guards.policy import CLOSURE_LANES

    verdict = load_policy(REPO_ROOT / "policy.toml").verdict
    assert verdict.lanes_for(None) == verdict.lanes_for("default") == ["synth"]
    assert verdict.lanes_for("closure") == CLOSURE_LANES
    with pytest.raises(PolicyError, match="no verdict profile 'closing'.*default, closure"):
        verdict.lanes_for("closing")

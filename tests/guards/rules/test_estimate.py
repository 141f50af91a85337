"""The always-on estimate rule: persistent (and unknown-lifecycle) stacks against the stop."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from guards.documents import load_plan, load_synth
from guards.engine import evaluate
from guards.findings import Status
from guards.inventory import Inventory
from guards.live_facts import LiveFacts
from guards.rules.estimate import SUBJECT, always_on_estimate
from tests.conftest import corpus_file
from tests.guards.estimate.test_estimate import platform
from tests.guards.rules.conftest import codes, failing

CODE = "always-on-estimate-over-stop"


def outcome(findings) -> set[tuple[str, Status]]:
    return {(f.subject, f.status) for f in findings if f.code == CODE and f.status is not Status.PASS}


def test_a_persistent_stack_over_the_stop_fails(policy):
    [finding] = always_on_estimate(platform("core"), policy)
    assert (finding.subject, finding.status) == (SUBJECT, Status.FAIL)
    assert "33.46 USD" in finding.message and "28.00 USD" in finding.message and "list prices as of" in finding.message


def test_the_same_in_an_ephemeral_stack_passes(policy):
    findings = always_on_estimate(platform("demo"), policy)
    assert outcome(findings) == set() and [f.status for f in findings] == [Status.PASS]


def test_a_lower_bound_below_the_stop_is_unknown(policy):
    inventory = platform("core", desired_count="${var.count}")
    inventory.resources[2:] = []  # below the stop without the database and addresses
    assert outcome(always_on_estimate(inventory, policy)) == {(SUBJECT, Status.UNKNOWN)}


def test_a_plan_without_a_stack_counts_as_always_on_unless_tagged_ephemeral(policy):
    untagged = platform(None)
    assert outcome(always_on_estimate(untagged, policy)) == {(SUBJECT, Status.FAIL)}
    tagged = platform(None)
    tagged.resources[:] = [replace(r, values={**r.values, "tags": {"lifecycle": "ephemeral"}}) for r in tagged.resources]
    assert outcome(always_on_estimate(tagged, policy)) == set()


def test_live_inventories_are_judged_by_actual_spend_instead(policy):
    inventory = platform("core")
    inventory.live = LiveFacts()
    assert always_on_estimate(inventory, policy) == []


def test_own_synth_passes(synth_dir, policy):
    findings, _ = evaluate(load_synth(synth_dir), policy, today=dt.date(2026, 11, 23))
    assert [f.status for f in findings if f.code == CODE] == [Status.PASS]


def test_a_corpus_plan_over_the_stop(policy):
    """Three NAT gateways and an EKS control plane (plans name no stack: always-on)."""
    findings, _ = evaluate(load_plan(corpus_file("cyse7125-infra-aws__infra_tfplan.json")), policy, today=dt.date(2026, 11, 23))
    assert failing(findings, CODE) == {SUBJECT} and CODE in codes(findings)


def test_an_empty_inventory_passes(policy):
    assert [f.status for f in always_on_estimate(Inventory(), policy)] == [Status.PASS]

"""The state digest rule over hand-made facts: exact failing keys."""

from __future__ import annotations

from guards.inventory import Inventory
from guards.live_facts import LiveFacts, StateDigest
from guards.rules.live_state import state_digest
from tests.guards.rules.conftest import codes, failing

MD5, OTHER = "9e107d9d372bb6826bd81d3542a419d6", "e4d909c290d0fb1ca068ffaddf22cbd0"


def _judge(policy, *digests: StateDigest):
    return state_digest(Inventory(live=LiveFacts(state_digests=list(digests))), policy)


def test_without_live_facts_the_rule_says_nothing(policy):
    assert state_digest(Inventory(), policy) == []


def test_exactly_the_mismatched_and_vanished_states_fail(policy):
    findings = _judge(
        policy,
        StateDigest("demo", "dev_min/demo/terraform.tfstate", MD5, OTHER),  # differs
        StateDigest("core", "dev_min/core/terraform.tfstate", MD5, MD5.upper()),  # same digest
        StateDigest("confluent", "dev_min/confluent/terraform.tfstate", None, MD5),  # object gone
        StateDigest("extra", "dev_min/extra/terraform.tfstate", MD5, None),  # no DynamoDB digest
        StateDigest("never", "dev_min/never/terraform.tfstate", None, None),  # never applied
    )
    assert failing(findings) == {"dev_min/demo/terraform.tfstate", "dev_min/confluent/terraform.tfstate"}
    assert {f.stack for f in findings if f.blocks} == {"demo", "confluent"}
    assert codes(findings) == {"backend-state-digest-mismatch"}


def test_matching_digests_pass_and_say_how_many_were_checked(policy):
    (finding,) = _judge(policy, StateDigest("demo", "k", MD5, MD5), StateDigest("core", "k2", None, None))
    assert (finding.status.value, finding.subject, finding.message) == ("PASS", "*", "2 state digests checked")

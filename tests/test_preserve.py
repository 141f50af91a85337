"""The policy's preserve list resolves to the names core really gives its resources."""

from __future__ import annotations

import pytest

from guards.documents import collect_synth
from guards.teardown.identity import identities_of
from guards.teardown.preserve import preserve_set
from stackguard.preserve import presence_checks, preserved_identities
from tests.support.plans import ACCOUNT, CONFIG

ALL = ["state_bucket", "lock_table", "evidence_bucket", "budget", "alert_topic", "ci_identity"]


def test_every_named_thing_is_a_resource_of_cores_synth(stacks):
    core = collect_synth(stacks["core"], "core")
    synthesized = set().union(*(identities_of(resource) for resource in core.resources))
    for name, identities in preserved_identities(CONFIG, ALL).items():
        assert synthesized & set(identities), f"{name} resolves to nothing core synthesizes"


def test_arns_need_the_account():
    without = preserved_identities(CONFIG, ["lock_table"])["lock_table"]
    with_account = preserved_identities(CONFIG, ["lock_table"], ACCOUNT)["lock_table"]
    assert [str(i) for i in without] == [f"dynamodb-table:{CONFIG.backend.lock_table}"]
    assert f"arn:aws:dynamodb:{CONFIG.region}:{ACCOUNT}:table/{CONFIG.backend.lock_table}" in map(str, with_account)


def test_presence_is_checked_for_buckets_table_and_budget():
    assert [(c.name, c.kind) for c in presence_checks(CONFIG, ALL)] == [
        ("state_bucket", "s3-bucket"), ("lock_table", "dynamodb-table"), ("evidence_bucket", "s3-bucket"), ("budget", "budget")
    ]


def test_the_floor_is_resolved_whatever_the_policy_names():
    """A policy can drop entries from `[teardown] preserve`; it cannot drop the state
    bucket, the lock table or the evidence bucket."""
    assert list(preserved_identities(CONFIG, [])) == ["state_bucket", "lock_table", "evidence_bucket"]
    assert list(preserved_identities(CONFIG, ["budget"])) == ["state_bucket", "lock_table", "evidence_bucket", "budget"]
    assert [c.name for c in presence_checks(CONFIG, [])] == ["state_bucket", "lock_table", "evidence_bucket"]


def test_a_preserve_set_without_its_floor_is_refused():
    with pytest.raises(ValueError, match="lacks its floor"):
        preserve_set({"budget": preserved_identities(CONFIG, ["budget"])["budget"]}, [])

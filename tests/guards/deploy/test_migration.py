"""The bootstrap's migration check: the bucket's copy must be the local state itself."""

from __future__ import annotations

import dataclasses
import json

import pytest

from guards.deploy.migration import StateCopy, identity, migration_findings

LOCAL = StateCopy("terraform.core.bootstrap.tfstate", "a" * 64, "lin-1", 7, frozenset({"aws_s3_bucket.state", "aws_dynamodb_table.locks"}))
REMOTE = dataclasses.replace(LOCAL, where="s3://bucket/dev_min/core/terraform.tfstate")


def verdict(remote, problem=None):
    [finding] = migration_findings("core", LOCAL, remote, problem)
    return finding


def test_the_same_state_in_the_bucket_passes():
    finding = verdict(REMOTE)
    assert finding.status == "PASS" and finding.code == "state-migration-unverified"


@pytest.mark.parametrize(
    "change, named",
    [
        ({"lineage": "lin-2"}, "lineage"),  # another state: a second bootstrap, or a new state
        ({"lineage": None}, "lineage"),
        ({"serial": 6}, "serial"),  # an older copy: the last write was lost
        ({"serial": 8}, "serial"),  # a newer one: someone wrote after the move
        ({"managed": frozenset({"aws_s3_bucket.state"})}, "resources differ"),
    ],
)
def test_any_difference_blocks_and_is_named(change, named):
    finding = verdict(dataclasses.replace(REMOTE, **change))
    assert finding.blocks and named in finding.message


def test_no_copy_in_the_bucket_blocks_with_the_reason():
    finding = verdict(None, "AccessDenied")
    assert finding.blocks and "AccessDenied" in finding.message


def test_an_empty_local_state_is_not_a_migration_to_trust():
    empty = dataclasses.replace(LOCAL, managed=frozenset())
    [finding] = migration_findings("core", empty, dataclasses.replace(empty, where="s3://b/k"))
    assert finding.blocks and "no managed resources" in finding.message


def test_a_local_state_without_identity_never_matches():
    anonymous = dataclasses.replace(LOCAL, lineage=None, serial=None)
    [finding] = migration_findings("core", anonymous, dataclasses.replace(anonymous, where="s3://b/k"))
    assert finding.blocks


@pytest.mark.parametrize(
    "data, expected",
    [
        (json.dumps({"lineage": "x", "serial": 3}).encode(), ("x", 3)),
        (json.dumps({"lineage": "", "serial": True}).encode(), (None, None)),  # bool is no serial
        (b"[1, 2]", (None, None)),
        (b"\xff\xfe", (None, None)),
        (b"not json", (None, None)),
    ],
)
def test_identity_reads_only_well_formed_values(data, expected):
    assert identity(data) == expected

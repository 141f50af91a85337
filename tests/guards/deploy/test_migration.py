"""The bootstrap's migration check: the bucket's copy must hold what the local state holds."""

from __future__ import annotations

import dataclasses
import json

import pytest

from guards.deploy.migration import StateCopy, identity, migration_findings

LOCAL = StateCopy(
    "terraform.core.bootstrap.tfstate", "a" * 64, "lin-1", 24, "c" * 64,
    frozenset({"aws_s3_bucket.state", "aws_dynamodb_table.locks"}),
)
# What terraform 1.11 writes into the S3 backend: a new lineage, the serial back at 1.
REMOTE = dataclasses.replace(LOCAL, where="s3://bucket/dev_min/core/terraform.tfstate", sha256="b" * 64, lineage="lin-2", serial=1)


def verdict(remote, problem=None):
    [finding] = migration_findings("core", LOCAL, remote, problem)
    return finding


def test_the_same_content_under_a_new_lineage_passes():
    finding = verdict(REMOTE)
    assert finding.status == "PASS" and finding.code == "state-migration-unverified"


@pytest.mark.parametrize(
    "change, named",
    [
        ({"content": "d" * 64}, "other attributes or outputs"),  # an attribute or output differs
        ({"content": None}, "other attributes or outputs"),
        ({"managed": frozenset({"aws_s3_bucket.state"})}, "resources differ"),
        ({"managed": LOCAL.managed | {"aws_instance.extra"}}, "resources differ"),
    ],
)
def test_any_difference_in_what_it_holds_blocks_and_is_named(change, named):
    finding = verdict(dataclasses.replace(REMOTE, **change))
    assert finding.blocks and named in finding.message


def test_no_copy_in_the_bucket_blocks_with_the_reason():
    finding = verdict(None, "AccessDenied")
    assert finding.blocks and "AccessDenied" in finding.message


def test_an_empty_local_state_is_not_a_migration_to_trust():
    empty = dataclasses.replace(LOCAL, managed=frozenset())
    [finding] = migration_findings("core", empty, dataclasses.replace(empty, where="s3://b/k"))
    assert finding.blocks and "no managed resources" in finding.message


def test_an_unreadable_local_content_never_matches():
    unreadable = dataclasses.replace(LOCAL, content=None)
    [finding] = migration_findings("core", unreadable, dataclasses.replace(unreadable, where="s3://b/k"))
    assert finding.blocks


def state(**fields) -> bytes:
    return json.dumps({"lineage": "x", "serial": 3, "resources": [{"type": "a"}], "outputs": {}} | fields).encode()


def test_identity_digests_resources_and_outputs_only():
    lineage, serial, content = identity(state())
    assert (lineage, serial) == ("x", 3)
    assert identity(state(lineage="y", serial=1))[2] == content, "lineage and serial are not content"
    assert identity(state(resources=[{"type": "b"}]))[2] != content
    assert identity(state(outputs={"o": {"value": 1}}))[2] != content


@pytest.mark.parametrize(
    "data, expected",
    [
        (json.dumps({"lineage": "", "serial": True}).encode(), (None, None)),  # bool is no serial
        (b"[1, 2]", (None, None)),
        (b"\xff\xfe", (None, None)),
        (b"not json", (None, None)),
    ],
)
def test_identity_reads_only_well_formed_values(data, expected):
    assert identity(data)[:2] == expected and identity(data)[2] is None

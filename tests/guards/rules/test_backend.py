"""Backend rules over per-stack backends, as synth declares them."""

from __future__ import annotations

import pytest

from guards.inventory import Backend, Inventory
from guards.rules.backend import backend
from tests.guards.rules.conftest import codes, failing


def s3(stack, **overrides):
    config = {
        "bucket": "state",
        "key": f"dev_min/{stack}/terraform.tfstate",
        "region": "eu-west-2",
        "encrypt": True,
        "dynamodb_table": "locks",
        "use_lockfile": True,
    }
    return Backend(stack, "s3", config | overrides)


def check(policy, *backends):
    return backend(Inventory(backends=list(backends)), policy)


def test_coherent_backends_pass(policy):
    assert codes(check(policy, s3("core"), s3("confluent"), s3("demo"))) == set()


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (Backend("demo", None), "backend-missing"),
        (Backend("demo", "local", {"path": "x.tfstate"}), "backend-type-mismatch"),
        (Backend("demo", "cloud", {"organization": "o"}), "backend-type-mismatch"),
        (Backend("demo", "remote", {}), "backend-type-mismatch"),
        (s3("demo", encrypt=False), "backend-unencrypted"),
        (s3("demo", dynamodb_table=None), "backend-lock-missing"),
        (s3("demo", use_lockfile=None), "backend-lockfile-missing"),
        (s3("demo", key="demo.tfstate"), "backend-key-mismatch"),
    ],
)
def test_each_stack_defect_has_its_code(policy, bad, code):
    findings = check(policy, s3("core"), bad)
    assert codes(findings) == {code}
    assert failing(findings) == {"demo:terraform.backend"}


def test_partial_backend_without_bucket(policy):
    findings = check(policy, s3("demo", bucket=None))
    assert "backend-bucket-missing" in codes(findings)


@pytest.mark.parametrize(
    ("setting", "code"),
    [
        ("bucket", "backend-bucket-mismatch"),
        ("region", "backend-region-mismatch"),
        ("dynamodb_table", "backend-lock-table-mismatch"),
    ],
)
def test_stacks_must_agree(policy, setting, code):
    findings = check(policy, s3("core"), s3("demo", **{setting: "other"}))
    assert codes(findings) == {code}
    assert failing(findings) == {"core:terraform.backend", "demo:terraform.backend"}


def test_equal_or_prefix_keys_overlap(policy):
    findings = check(policy, s3("core"), s3("demo", key="dev_min/core/terraform.tfstate"))
    assert "backend-key-overlap" in codes(findings)
    findings = check(
        policy,
        Backend("a", "s3", s3("a").config | {"key": "dev/a.tfstate"}),
        Backend("b", "s3", s3("b").config | {"key": "dev/a.tfstate.old"}),
    )
    assert "backend-key-overlap" in codes(findings)


def test_no_backends_means_not_applicable(policy):
    assert check(policy) == []

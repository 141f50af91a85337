"""Fixtures for the deploy tests: the shared fake `terraform` on PATH, the copied synth and
the moto account (tests.support), and a backend as core's deploy leaves it."""

from __future__ import annotations

import pytest

from tests.support.fake_terraform import FakeTerraform, fake_terraform  # noqa: F401 - fixture
from tests.support.operator_env import (  # noqa: F401 - fixtures
    BUCKET,
    account,
    operator_cli,
    operator_process,
    outdir,
    put_state,
)
from tests.support.plans import REGION


@pytest.fixture
def terraform(fake_terraform) -> FakeTerraform:  # noqa: F811 - the imported fixture
    """The fake serves whatever plan the test chooses, and an empty state."""
    return fake_terraform


@pytest.fixture
def deploy(operator_cli):  # noqa: F811 - the imported fixture
    """Run `stackguard deploy ...` in this process against the copied synth."""
    return lambda *args, **kwargs: operator_cli("deploy", *args, **kwargs)


@pytest.fixture
def ready_backend(account, stacks):  # noqa: F811 - the imported fixture
    """The account, with the state bucket configured as core's deploy leaves it, and
    core's state in it (a plain `deploy core` needs it there; --bootstrap refuses it)."""
    s3 = account.client("s3", region_name=REGION)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )
    put_state(account, "core", [("aws_s3_bucket", "state", core_bucket(stacks))])
    return account


def core_bucket(stacks) -> dict:
    """The state bucket's attributes as core's state holds them (its default tags too)."""
    return {"bucket": BUCKET, "tags_all": stacks["core"]["provider"]["aws"][0]["default_tags"][0]["tags"]}


def snapshot_codes(snapshot: dict, *, blocking: bool = True) -> set[str]:
    return {f["code"] for f in snapshot["findings"] if not blocking or f["status"] != "PASS"}

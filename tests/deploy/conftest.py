"""Fixtures for the deploy tests: the teardown tests' fake `terraform` on PATH, their copy
of the session's synth and their moto account, reused as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import in_process
from tests.teardown.conftest import (  # noqa: F401 - fixtures, registered by import
    BUCKET,
    CONFIG,
    CONFIG_FILE,
    META,
    POLICY_FILE,
    PROVIDER,
    REGION,
    RUN_ID,
    Run,
    account,
    demo_plan,
    outdir,
    physical_before,
    terraform,
)


def created(rtype: str, name: str, after: dict) -> dict:
    return {
        "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
        "provider_name": PROVIDER, "change": {"actions": ["create"], "before": None, "after": after},
    }


def _resolved(value):
    """Synth values with every `${...}` reference replaced by a value known after apply."""
    if isinstance(value, str) and "${" in value:
        return f"arn:aws:sns:{REGION}:123456789012:resolved"
    if isinstance(value, list):
        return [_resolved(item) for item in value]
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    return value


def create_plan(stack_json: dict, stack: str, *, extra: list[dict] = ()) -> dict:
    """A `terraform show -json` plan creating every resource of one synthesized stack, as
    it looks once references are resolved and the provider's default tags are merged."""
    default_tags = stack_json["provider"]["aws"][0].get("default_tags", [{}])[0].get("tags", {})
    changes = [
        created(rtype, name, {
            **physical_before(stack, rtype, name, block),
            **_resolved({k: v for k, v in block.items() if k not in META}),
            "tags_all": {**default_tags, **block.get("tags", {})},
        })
        for rtype, blocks in stack_json.get("resource", {}).items()
        for name, block in blocks.items()
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [*changes, *extra]}


@pytest.fixture
def deploy(outdir, tmp_path):  # noqa: F811 - the imported fixture
    """Run `stackguard deploy ...` in this process against the copied synth."""
    evidence = tmp_path / "runs"

    def run(*args: str, config: Path = CONFIG_FILE) -> Run:
        code, stdout, stderr = in_process(
            "deploy", *args, "--config", str(config), "--policy", str(POLICY_FILE),
            "--out", str(outdir), "--evidence-dir", str(evidence), "--run-id", RUN_ID,
        )
        return Run(code, stdout, stderr, evidence)

    return run


@pytest.fixture
def ready_backend(account):  # noqa: F811 - the imported fixture
    """The account, with the state bucket configured as core's deploy leaves it."""
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
    return account


def snapshot_codes(snapshot: dict, *, blocking: bool = True) -> set[str]:
    return {f["code"] for f in snapshot["findings"] if not blocking or f["status"] != "PASS"}


__all__ = ["CONFIG", "create_plan", "created", "snapshot_codes"]

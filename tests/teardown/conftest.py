"""Fixtures for the teardown tests.

The only fake is a small `terraform` executable put first on PATH: it appends its argv
to a log, prints the plan or state JSON the test chose for `show -json`, writes the plan
file for `plan`, and ends `apply` with the exit code and stderr the test chose. Everything
behind it is real: the lane, the contract, evidence, and AWS (moto over loopback HTTP).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stacks.config import load_config
from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process

CONFIG = load_config(CONFIG_FILE)
POLICY_FILE = REPO_ROOT / "policy.toml"
REGION = CONFIG.region
ACCOUNT = "123456789012"  # moto's default account
BUCKET, TABLE = CONFIG.backend.state_bucket, CONFIG.backend.lock_table
RUN_ID = "td-1"
SHORT_LIVED = {"AWS_ACCESS_KEY_ID": "ASIAXXXXXXXXXXXXXXXX", "AWS_SECRET_ACCESS_KEY": "x" * 40, "AWS_SESSION_TOKEN": "token"}
PROVIDER = "registry.terraform.io/hashicorp/aws"
META = {"//", "count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}

FAKE_TERRAFORM = """#!{python}
import json, os, sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["FAKE_TF_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
command = args[0] if args else ""
if command == "plan":
    out = next(a.split("=", 1)[1] for a in args if a.startswith("-out="))
    Path(out).write_bytes(b"fake binary plan " + os.urandom(8))
elif command == "show":
    files = [a for a in args[1:] if not a.startswith("-")]
    sys.stdout.write(Path(os.environ["FAKE_TF_PLAN_JSON" if files else "FAKE_TF_STATE_JSON"]).read_text())
elif command == "apply":
    sys.stderr.write(os.environ.get("FAKE_TF_APPLY_STDERR", ""))
    sys.exit(int(os.environ.get("FAKE_TF_APPLY_EXIT", "0")))
"""


def _has_token(value: Any) -> bool:
    return "${" in json.dumps(value)


def _change(rtype: str, name: str, before: dict | None, actions: list[str], *, mode="managed", module="") -> dict:
    local = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
    entry = {
        "address": f"{module}.{local}" if module else local,
        "mode": mode,
        "type": rtype,
        "name": name,
        "provider_name": PROVIDER,
        "change": {"actions": actions, "before": before, "after": None if actions == ["delete"] else before},
    }
    if module:
        entry["module_address"] = module
    return entry


def physical_before(stack: str, rtype: str, name: str, block: dict) -> dict:
    """What terraform shows as `before` for a resource of our synth: its literal values,
    with the id, ARN and tags that exist only once it is applied."""
    tags = {"project": CONFIG.project, "environment": CONFIG.environment, "stack": stack}
    values = {k: v for k, v in block.items() if k not in META and not _has_token(v)}
    service = rtype.split("_")[1]
    return {**values, "id": f"{name}-id", "arn": f"arn:aws:{service}:{REGION}:{ACCOUNT}:{rtype}/{name}", "tags_all": tags}


def destroy_plan(stack_json: dict, stack: str, *, extra: list[dict] = ()) -> dict:
    """A `terraform show -json` destroy plan for every resource of one synthesized stack."""
    changes = [
        _change(rtype, name, physical_before(stack, rtype, name, block), ["delete"])
        for rtype, blocks in stack_json.get("resource", {}).items()
        for name, block in blocks.items()
    ]
    changes += [
        _change(rtype, name, None, ["read"], mode="data")
        for rtype, blocks in stack_json.get("data", {}).items()
        for name in blocks
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [*changes, *extra]}


def state_of(plan: dict, keep: set[str] | None = None) -> dict:
    """`terraform show -json` state holding the plan's managed resources (or those in `keep`)."""
    resources = [
        {"address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"],
         "provider_name": PROVIDER, "values": c["change"]["before"]}
        for c in plan["resource_changes"]
        if c["mode"] == "managed" and (keep is None or c["address"] in keep)
    ]
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


EMPTY_STATE = {"format_version": "1.0", "terraform_version": "1.9.8"}


def raw_state(resources: list[tuple[str, str, dict]]) -> bytes:
    """A raw state object (version 4) as the S3 backend holds it."""
    return json.dumps({
        "version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "l", "outputs": {},
        "resources": [
            {"mode": "managed", "type": rtype, "name": name,
             "provider": f'provider["{PROVIDER}"]', "instances": [{"schema_version": 0, "attributes": attrs}]}
            for rtype, name, attrs in resources
        ],
    }).encode()


@dataclass
class FakeTerraform:
    directory: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def log(self) -> Path:
        return self.directory / "argv.jsonl"

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def _serve(self, variable: str, document: dict) -> None:
        path = self.directory / f"{variable.lower()}.json"
        path.write_text(json.dumps(document))
        self.monkeypatch.setenv(variable, str(path))

    def plan(self, document: dict) -> None:
        self._serve("FAKE_TF_PLAN_JSON", document)

    def state(self, document: dict) -> None:
        self._serve("FAKE_TF_STATE_JSON", document)

    def apply_fails(self, code: int, stderr: str) -> None:
        self.monkeypatch.setenv("FAKE_TF_APPLY_EXIT", str(code))
        self.monkeypatch.setenv("FAKE_TF_APPLY_STDERR", stderr)


@pytest.fixture
def demo_plan(stacks) -> dict:
    return destroy_plan(stacks["demo"], "demo")


@pytest.fixture
def terraform(tmp_path, monkeypatch, demo_plan) -> FakeTerraform:
    """`terraform` first on PATH; by default it serves a clean demo destroy plan and an
    empty state after apply."""
    directory = tmp_path / "fake-terraform"
    (directory / "bin").mkdir(parents=True)
    binary = directory / "bin" / "terraform"
    binary.write_text(FAKE_TERRAFORM.replace("{python}", sys.executable))
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_TF_LOG", str(directory / "argv.jsonl"))
    fake = FakeTerraform(directory, monkeypatch)
    fake.plan(demo_plan)
    fake.state(EMPTY_STATE)
    return fake


@pytest.fixture
def outdir(synth_dir, tmp_path, monkeypatch) -> Path:
    """A copy of the session's synth (cache record included), so synthesis is reused; a
    cold synth (20 s) would fail the test instead of slowing it down."""
    import stacks.app

    target = tmp_path / "cdktf.out"
    shutil.copytree(synth_dir, target)

    def refuse(*args, **kwargs):
        raise AssertionError("cdktf was started although the synth cache should have served")

    monkeypatch.setattr(stacks.app, "build_app", refuse)
    return target


def create_budget(session) -> None:
    from tests.guards.live.test_budget import create_budget as create

    create(session, (10, 20, 28), actual="4.20")


@pytest.fixture
def account(aws, monkeypatch):
    """moto with core's preserved things (state and evidence buckets, lock table, budget),
    confluent's state in the backend (demo reads it), and short-lived credentials."""
    for name, value in SHORT_LIVED.items():
        monkeypatch.setenv(name, value)
    s3 = aws.client("s3", region_name=REGION)
    for bucket in (BUCKET, CONFIG.evidence.bucket):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    aws.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    create_budget(aws)
    put_state(aws, "confluent", [("aws_ssm_parameter", "bootstrap_parameter", {"name": "/sg-devmin/dev_min/confluent/bootstrap_servers"})])
    return aws


def put_state(session, stack: str, resources: list[tuple[str, str, dict]]) -> None:
    session.client("s3", region_name=REGION).put_object(
        Bucket=BUCKET, Key=CONFIG.state_key(stack), Body=raw_state(resources)
    )


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    evidence: Path

    def snapshot(self, lane: str) -> dict:
        return json.loads((self.evidence / "dev_min" / lane / RUN_ID / f"{lane}_snapshot.json").read_text())

    def has_snapshot(self, lane: str) -> bool:
        return (self.evidence / "dev_min" / lane / RUN_ID / f"{lane}_snapshot.json").exists()


@pytest.fixture
def teardown(outdir, tmp_path):
    """Run `stackguard teardown ...` in this process against the copied synth."""
    evidence = tmp_path / "runs"

    def run(*args: str, config: Path = CONFIG_FILE, policy: Path = POLICY_FILE) -> Run:
        code, stdout, stderr = in_process(
            "teardown", *args, "--config", str(config), "--policy", str(policy),
            "--out", str(outdir), "--evidence-dir", str(evidence), "--run-id", RUN_ID,
        )
        return Run(code, stdout, stderr, evidence)

    return run

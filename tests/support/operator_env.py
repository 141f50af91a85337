"""What the deploy and teardown tests run in: a copy of the session's synth, a moto account
holding core's preserved things, and `stackguard <operation> ...` run in this process."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process
from tests.support.plans import CONFIG, REGION, raw_state


def _aws_only_policy() -> Path:
    """The shipped policy with `[cost] scope` narrowed to AWS, as an account without Confluent
    would narrow it: these lanes are tested with Cost Explorer seeded and no Confluent billing
    API (the live-lane tests serve one)."""
    import re
    import tempfile

    text = (REPO_ROOT / "policy.toml").read_text()
    narrowed = re.sub(r'(?m)^scope = \["aws", "confluent"\]$', 'scope = ["aws"]', text)
    assert narrowed != text, "policy.toml's [cost] scope is no longer the shipped one"
    path = Path(tempfile.mkdtemp(prefix="stackguard-operator-policy-")) / "policy.toml"
    path.write_text(narrowed)
    return path


POLICY_FILE = _aws_only_policy()
BUCKET, TABLE = CONFIG.backend.state_bucket, CONFIG.backend.lock_table
RUN_ID = "td-1"
SHORT_LIVED = {"AWS_ACCESS_KEY_ID": "ASIAXXXXXXXXXXXXXXXX", "AWS_SECRET_ACCESS_KEY": "x" * 40, "AWS_SESSION_TOKEN": "token"}


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


def put_state(session, stack: str, resources: list[tuple[str, str, dict]]) -> None:
    session.client("s3", region_name=REGION).put_object(
        Bucket=BUCKET, Key=CONFIG.state_key(stack), Body=raw_state(resources)
    )


def seed_month_to_date_cost(moto_endpoint: str, amount: str) -> None:
    """Queue a Cost Explorer answer for this month so far (moto serves what it is given)."""
    import datetime as dt

    from guards.live.cost import month_to_date_window
    from tests.guards.live.test_cost import answer, seed

    window = month_to_date_window(dt.datetime.now(dt.UTC).date())
    if window:  # on the 1st the window is empty and nothing is asked
        seed(moto_endpoint, answer(str(window[0]), str(window[1]), amount))


@pytest.fixture
def account(aws, moto_endpoint, monkeypatch):
    """moto with core's preserved things (state and evidence buckets, lock table, budget
    with 4.20 USD actual spend), Cost Explorer's month so far (4.20 USD), confluent's state in
    the backend (demo reads it), and short-lived credentials."""
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
    seed_month_to_date_cost(moto_endpoint, "4.20")
    put_state(aws, "confluent", [("aws_ssm_parameter", "bootstrap_parameter", {"name": "/sg-devmin/dev_min/confluent/bootstrap_servers"})])
    return aws


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
def operator_cli(outdir, tmp_path):
    """Run `stackguard <operation> ...` in this process against the copied synth."""
    evidence = tmp_path / "runs"

    def run(operation: str, *args: str, config: Path = CONFIG_FILE, policy: Path = POLICY_FILE) -> Run:
        code, stdout, stderr = in_process(
            operation, *args, *common_arguments(config, policy, outdir, evidence),
        )
        return Run(code, stdout, stderr, evidence)

    return run


def common_arguments(config: Path, policy: Path, outdir: Path, evidence: Path) -> list[str]:
    return [
        "--config", str(config), "--policy", str(policy), "--out", str(outdir),
        "--evidence-dir", str(evidence), "--run-id", RUN_ID,
    ]


@pytest.fixture
def operator_process(outdir, tmp_path, stackguard_bin):
    """Run `stackguard <operation> ...` as a process of its own (signals reach it, not
    the test), with this process's environment: the fake terraform, moto."""
    evidence = tmp_path / "runs"

    def run(operation: str, *args: str) -> Run:
        completed = subprocess.run(
            [*stackguard_bin, operation, *args, *common_arguments(CONFIG_FILE, POLICY_FILE, outdir, evidence)],
            capture_output=True, text=True, timeout=180, cwd=REPO_ROOT,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr, evidence)

    return run


def waiving_policy(directory: Path, *waivers: tuple[str, str]) -> Path:
    """The policy, plus a waiver (expiring in 30 days) for each (rule, subject)."""
    import datetime as dt

    expires = dt.date.today() + dt.timedelta(days=30)
    blocks = "".join(
        f'\n[[waivers]]\nrule = "{rule}"\nsubject = "{subject}"\n'
        f'justification = "A waiver of the test, to see what the lane does past it."\nexpires = {expires}\n'
        for rule, subject in waivers
    )
    path = directory / "policy-with-waivers.toml"
    path.write_text(POLICY_FILE.read_text() + blocks)
    return path

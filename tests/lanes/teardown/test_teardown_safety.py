"""The teardown's safety classes (issue 11): exit 0 only for a plan applied and verified,
terraform given exactly the judged credentials, the reviewed plan the applied one,
interrupts recorded, secrets scrubbed. The fake terraform on PATH, moto over HTTP."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import boto3
import pytest

from tests.support.operator_env import BUCKET, waiving_policy
from tests.support.plans import CONFIG, REGION, plan_change, state_of

PLAN = "teardown-td-1.tfplan"
AKIA, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def blockers(snapshot: dict) -> set[tuple[str, str]]:
    return {(b["code"], b["subject"]) for b in snapshot["blockers"]}


def commands(terraform) -> list[str]:
    return [call[0] for call in terraform.calls()]


# -- 1. a lane that did nothing never exits 0 --------------------------------------------------


def test_a_waived_blocker_before_the_plan_does_not_end_the_run_with_a_pass_and_nothing_done(
    account, terraform, teardown, tmp_path
):
    core_state = f"s3://{BUCKET}/{CONFIG.state_key('core')}"
    account.client("s3", region_name=REGION).put_object(Bucket=BUCKET, Key=CONFIG.state_key("core"), Body=b"not a state")
    policy = waiving_policy(tmp_path, ("backend-state-unreadable", core_state))

    result = teardown("run", "demo", "--auto-approve", policy=policy)

    assert result.code == 0, result.stderr
    assert commands(terraform) == ["init", "plan", "show", "apply", "show"], "exit 0 only once the plan was applied"
    [waived] = [f for f in result.snapshot("teardown-contract")["findings"] if f["code"] == "backend-state-unreadable"]
    assert waived["subject"] == core_state and waived["waiver"]
    assert result.snapshot("teardown")["details"]["apply"] == {"completed": True, "attempted": True}


# -- 2. terraform is given exactly the credentials that were judged -----------------------------


def test_long_lived_keys_under_the_sdk_alias_names_are_refused(account, terraform, teardown, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY", AKIA)  # the short-lived keys of `account` stay set
    monkeypatch.setenv("AWS_SECRET_KEY", SECRET)

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    assert terraform.calls() == []
    assert blockers(result.snapshot("teardown-contract")) == {("static-credentials", "env:AWS_ACCESS_KEY")}
    assert AKIA not in json.dumps(result.snapshot("teardown-contract")) + result.stdout + result.stderr


def test_terraform_runs_with_the_judged_credentials_and_no_other_aws_variable(
    account, terraform, teardown, monkeypatch, tmp_path
):
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[stray]\naws_access_key_id = {AKIA}\naws_secret_access_key = {SECRET}\n")
    cli_config = tmp_path / "terraform.rc"
    for name, value in {
        "AWS_PROFILE": "stray", "AWS_DEFAULT_PROFILE": "stray", "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_SECURITY_TOKEN": "a-token-nobody-judged", "AWS_ROLE_ARN": "arn:aws:iam::1:role/other",
        "STACKGUARD_STRAY": "1", "TF_CLI_CONFIG_FILE": str(cli_config), "HTTPS_PROXY": "http://proxy.invalid:3128",
    }.items():
        monkeypatch.setenv(name, value)
    resolved = boto3.Session(region_name=REGION).get_credentials().get_frozen_credentials()

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 0, result.stderr
    environments = terraform.environments()
    assert len(environments) == 5
    trust = {name: os.environ[name] for name in ("AWS_CA_BUNDLE",) if name in os.environ}  # TLS, like SSL_CERT_FILE
    for env in environments:
        assert {name: value for name, value in env.items() if name.startswith("AWS_")} == {
            **trust,
            "AWS_ACCESS_KEY_ID": resolved.access_key,
            "AWS_SECRET_ACCESS_KEY": resolved.secret_key,
            "AWS_SESSION_TOKEN": resolved.token,
            "AWS_REGION": CONFIG.region,
            "AWS_DEFAULT_REGION": CONFIG.region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
        }
        assert env["TF_CLI_CONFIG_FILE"] == str(cli_config) and env["HTTPS_PROXY"] == "http://proxy.invalid:3128"
        assert env["PATH"] == os.environ["PATH"] and env["HOME"] == os.environ["HOME"]
        assert env["TF_IN_AUTOMATION"] == "1"
        assert "STACKGUARD_STRAY" not in env and "PYTHONPATH" not in env


# -- 3. the applied plan is the reviewed plan ------------------------------------------------------


class _SwappingTerminal(io.StringIO):
    """A terminal at which the operator types the stack's name, while something else
    swaps the plan file terraform wrote in the working directory."""

    def __init__(self, typed: str, original: Path) -> None:
        super().__init__(typed)
        self.original = original

    def isatty(self) -> bool:
        return True

    def readline(self, *args) -> str:
        self.original.write_bytes(b"a plan nobody reviewed")
        return super().readline(*args)


def test_swapping_the_plan_file_after_review_changes_nothing_that_is_applied(
    account, terraform, teardown, outdir, monkeypatch
):
    original = outdir / "stacks" / "demo" / PLAN
    monkeypatch.setattr(sys, "stdin", _SwappingTerminal("demo\n", original))

    result = teardown("run", "demo")

    assert result.code == 0, result.stderr
    assert original.read_bytes() == b"a plan nobody reviewed", "the swap happened after the review"
    [applied] = terraform.applied()
    contract = result.snapshot("teardown-contract")
    assert applied["sha256"] == contract["details"]["plan_file_sha256"]
    assert applied["path"] != str(original) and Path(applied["path"]).is_absolute()
    assert result.snapshot("teardown")["details"]["plan_file_sha256"] == applied["sha256"]


def test_no_plan_file_outlives_a_lane_that_blocked(account, terraform, teardown, outdir, demo_plan):
    created = plan_change("aws_nat_gateway", "sneaky", {"subnet_id": "subnet-1"}, ["create"])
    terraform.plan({**demo_plan, "resource_changes": [*demo_plan["resource_changes"], created]})

    result = teardown("run", "demo", "--auto-approve")

    assert result.code == 1
    [_, _, show] = terraform.calls()
    copy = Path(show[-1])
    assert copy.name == PLAN and not copy.parent.exists()
    assert not list((outdir / "stacks" / "demo").glob("*.tfplan*"))


# -- 4. an interrupt during the apply still writes the proof ---------------------------------------


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_an_interrupt_during_the_apply_writes_the_proof_and_exits_3(
    account, terraform, operator_process, demo_plan, signal_name
):
    left = {"aws_vpc.vpc", "aws_subnet.public_subnet_0"}
    terraform.state(state_of(demo_plan, keep=left))
    terraform.apply_signals_parent(signal_name)

    result = operator_process("teardown", "run", "demo", "--auto-approve")

    assert result.code == 3, result.stderr
    assert terraform.interrupts() == [1], "terraform got exactly one interrupt, through the lane"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"interrupted by {signal_name}" in errors[0]
    assert "Traceback" not in result.stderr
    proof = result.snapshot("teardown")
    assert proof["details"]["apply"]["interrupted"] == signal_name
    assert proof["details"]["apply"]["completed"] is False
    assert set(proof["details"]["not_destroyed"]) == left
    assert ("destroy-apply-failed", str(Path(proof["details"]["plan_file"]))) in blockers(proof)
    assert not result.has_snapshot("teardown-verify")


# -- 5. terraform's output is scrubbed of every credential the lane knows -------------------------


SECRETS = {
    "AWS_ACCESS_KEY_ID": "ASIAZXCVBNMASDFGHJKL",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN0123456789",
    "CONFLUENT_CLOUD_API_KEY": "CONFLUENTKEY1234",
    "CONFLUENT_CLOUD_API_SECRET": "confluent-secret-0123456789abcdef",
}


def test_secrets_terraform_prints_reach_no_output_snapshot_or_report(account, terraform, teardown, monkeypatch, tmp_path):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    told = " ".join(SECRETS.values())
    terraform.apply_fails(1, f"Error: signing request with {told}\n\n  credentials were {told}\n")
    sarif = tmp_path / "runs" / "report.sarif"

    result = teardown("run", "demo", "--auto-approve", "--format", "sarif", "--output", str(sarif))

    assert result.code == 3
    assert "Error: signing request with (redacted)" in result.stderr
    written = {path: path.read_text() for path in (tmp_path / "runs").rglob("*") if path.is_file()}
    assert sarif in written and any(path.name == "teardown_snapshot.json" for path in written)
    for name, value in SECRETS.items():
        assert value not in result.stdout and value not in result.stderr, name
        assert not [path for path, text in written.items() if value in text], name

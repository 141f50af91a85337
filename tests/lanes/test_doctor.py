"""Each doctor check: its pure judgement, and its facts gathered from fakes or moto."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from foundation.aws import client_factory
from guards.policy import load_policy
from stackguard.lanes import doctor
from stackguard.lanes.doctor import Status
from stacks.config import PlatformConfig
from tests.conftest import CONFIG_FILE, REPO_ROOT

POLICY = load_policy(REPO_ROOT / "policy.toml")
LONG_LIVED = "AKIAABCDEFGHIJKLMNOP"
TEMPORARY = "ASIAABCDEFGHIJKLMNOP"
SECRET = "s3cr3t/" + "x" * 33


def shipped() -> dict:
    return tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))


def config_with(**changes) -> PlatformConfig:
    raw = shipped()
    for dotted, value in changes.items():
        *sections, key = dotted.split("__")
        target = raw
        for section in sections:
            target = target[section]
        target[key] = value
    return PlatformConfig.model_validate(raw)


def executable(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# -- node ----------------------------------------------------------------------------------


def test_node_missing_old_broken_and_fine():
    assert doctor.judge_node(None, None, 22).status is Status.FAIL
    assert doctor.judge_node("/x/node", None, 22).status is Status.FAIL
    assert doctor.judge_node("/x/node", 20, 22).status is Status.WARN
    fine = doctor.judge_node("/x/node", 22, 22)
    assert fine.status is Status.OK and "Node.js 22" in fine.message


def test_node_is_found_as_synthesis_finds_it(tmp_path):
    node = executable(tmp_path / "node", "echo v18.19.0")
    check = doctor.check_node({"JSII_NODE": str(node), "PATH": str(tmp_path)})
    assert (check.status, check.message.split(" at ")[0]) == (Status.WARN, "Node.js 18")


# -- terraform -----------------------------------------------------------------------------


def test_no_terraform_on_path(tmp_path):
    check = doctor.check_terraform("terraform", {"PATH": str(tmp_path)})
    assert check.status is Status.FAIL and "not on PATH" in check.message and "[tooling]" in check.remedy


@pytest.mark.parametrize(
    ("version", "status"),
    [("1.9.8", Status.FAIL), ("0.15.5", Status.FAIL), ("1.10.0", Status.OK), ("1.11.4", Status.OK), ("2.0.0", Status.OK)],
)
def test_terraform_version_from_a_fake_binary(tmp_path, version, status):
    executable(tmp_path / "tofu", f"""[ "$1 $2" = "version -json" ] && echo '{{"terraform_version":"{version}"}}'""")
    check = doctor.check_terraform("tofu", {"PATH": str(tmp_path)})
    assert check.status is status and f"tofu {version}" in check.message
    if status is Status.FAIL:
        assert "use_lockfile needs 1.10" in check.message


def test_a_terraform_that_gives_no_version(tmp_path):
    executable(tmp_path / "terraform", "echo 'Terraform v1.11.0'; exit 0")
    assert doctor.check_terraform("terraform", {"PATH": str(tmp_path)}).status is Status.FAIL
    executable(tmp_path / "terraform", "exit 1")
    assert doctor.check_terraform("terraform", {"PATH": str(tmp_path)}).status is Status.FAIL


def test_the_terraform_binary_gets_no_aws_variables(tmp_path):
    executable(tmp_path / "terraform", f"env > {tmp_path}/env; echo '{{\"terraform_version\":\"1.11.0\"}}'")
    doctor.check_terraform("terraform", {"PATH": str(tmp_path), "AWS_SECRET_ACCESS_KEY": SECRET})
    assert SECRET not in (tmp_path / "env").read_text()


# -- credentials ---------------------------------------------------------------------------


def session(key: str | None, token: str | None = None) -> boto3.Session:
    if key is None:
        return boto3.Session(region_name="eu-west-2", profile_name=None)
    return boto3.Session(aws_access_key_id=key, aws_secret_access_key=SECRET, aws_session_token=token)


def assert_no_secret(check) -> None:
    text = f"{check.message} {check.remedy}"
    assert LONG_LIVED not in text and TEMPORARY not in text and SECRET not in text


def test_static_keys_are_refused_and_named_by_their_kind_only():
    check, have = doctor.check_credentials(session(LONG_LIVED), {}, allow_static=False)
    assert have and check.status is Status.FAIL
    assert "static (AKIA..., no session token)" in check.message and "--allow-static-credentials" in check.remedy
    assert_no_secret(check)


def test_static_keys_in_the_environment_under_an_alias(monkeypatch):
    check, _ = doctor.check_credentials(session(TEMPORARY, "tok"), {"AWS_ACCESS_KEY": LONG_LIVED}, allow_static=False)
    assert check.status is Status.FAIL and "env:AWS_ACCESS_KEY" in check.message
    assert_no_secret(check)


def test_static_keys_allowed_by_the_flag_are_a_warning():
    check, _ = doctor.check_credentials(session(LONG_LIVED), {}, allow_static=True)
    assert check.status is Status.WARN and "allowed by --allow-static-credentials" in check.message


def test_temporary_keys_pass():
    check, have = doctor.check_credentials(session(TEMPORARY, "token"), {}, allow_static=False)
    assert have and check.status is Status.OK
    assert check.message == "temporary (ASIA..., with a session token) from explicit"
    assert_no_secret(check)


def test_no_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    check, have = doctor.check_credentials(boto3.Session(region_name="eu-west-2"), {}, allow_static=False)
    assert not have and check.status is Status.FAIL and check.message.startswith("none")


# -- the account and the backend (moto) ----------------------------------------------------


def ready_bucket(aws, bucket: str, *, versioning: bool = True) -> None:
    s3 = aws.client("s3", region_name="eu-west-2")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    if versioning:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
    )
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict.fromkeys(doctor_settings(), True))


def doctor_settings():
    from guards.rules.backend_live import PUBLIC_ACCESS_SETTINGS

    return PUBLIC_ACCESS_SETTINGS


def lock_table(aws, table: str, key: str = "LockID") -> None:
    aws.client("dynamodb", region_name="eu-west-2").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def backend_lines(aws, config: PlatformConfig) -> dict[str, tuple[Status, str]]:
    checks = doctor.check_account_and_backend(client_factory(aws), config, POLICY)
    return {check.name: (check.status, f"{check.message} -> {check.remedy}") for check in checks}


def test_a_ready_backend(aws, platform_config):
    ready_bucket(aws, platform_config.backend.state_bucket)
    lock_table(aws, platform_config.backend.lock_table)
    lines = backend_lines(aws, platform_config)
    assert {name: status for name, (status, _) in lines.items()} == {
        "aws": Status.OK, "state bucket": Status.OK, "lock table": Status.OK
    }
    assert "account 123456789012" in lines["aws"][1]


def test_a_missing_bucket_and_table(aws, platform_config):
    lines = backend_lines(aws, platform_config)
    assert lines["state bucket"][0] is Status.FAIL and "does not exist" in lines["state bucket"][1]
    assert "deploy core" in lines["state bucket"][1] and "backend-bucket-not-found" in lines["state bucket"][1]
    assert lines["lock table"][0] is Status.FAIL and "the lock table does not exist" in lines["lock table"][1]


def test_versioning_off(aws, platform_config):
    ready_bucket(aws, platform_config.backend.state_bucket, versioning=False)
    lock_table(aws, platform_config.backend.lock_table)
    lines = backend_lines(aws, platform_config)
    assert lines["state bucket"][0] is Status.FAIL and "versioning is off" in lines["state bucket"][1]
    assert lines["lock table"][0] is Status.OK


def test_a_lock_table_with_the_wrong_key(aws, platform_config):
    ready_bucket(aws, platform_config.backend.state_bucket)
    lock_table(aws, platform_config.backend.lock_table, key="id")
    lines = backend_lines(aws, platform_config)
    assert lines["lock table"][0] is Status.FAIL and "LockID" in lines["lock table"][1]


def test_aws_unreachable_is_one_line(platform_config):
    class Unreachable:
        def get_caller_identity(self):
            raise EndpointConnectionError(endpoint_url="https://sts.eu-west-2.amazonaws.com/")

    checks = doctor.check_account_and_backend(lambda service, region: Unreachable(), platform_config, POLICY)
    assert [(c.name, c.status) for c in checks] == [("aws", Status.FAIL)]
    assert "Could not connect to the endpoint URL" in checks[0].message and "\n" not in checks[0].message


# -- names ---------------------------------------------------------------------------------


def test_the_examples_are_the_shipped_files():
    raw = shipped()
    assert {field: raw[field.split(".")[0]][field.split(".")[1]] for field in doctor.SHIPPED_EXAMPLES} == doctor.SHIPPED_EXAMPLES
    assert raw["ci"]["github_repository"].startswith(doctor.EXAMPLE_REPOSITORY_OWNER + "/")


def test_shipped_names_are_a_warning(platform_config):
    check = doctor.judge_names(platform_config)
    assert check.status is Status.WARN and "S3 bucket names are global" in check.remedy
    assert doctor.example_names(platform_config) == [
        "backend.state_bucket", "backend.lock_table", "evidence.bucket", "budget.name", "alert_emails", "ci.github_repository"
    ]


def test_own_names_pass():
    own = config_with(
        backend__state_bucket="acme-tfstate-1", backend__lock_table="acme-locks", evidence__bucket="acme-evidence-1",
        budget__name="acme-monthly", alert_emails=["ops@acme.io"], ci__github_repository="acme/platform",
    )
    assert doctor.judge_names(own).status is Status.OK
    assert doctor.example_names(config_with(alert_emails=["ops@acme.io", "x@example.org"])) != []


# -- all of it -----------------------------------------------------------------------------


def test_a_bad_configuration_is_bad_config(tmp_path):
    bad = tmp_path / "platform.toml"
    bad.write_text('region = "eu-west-2"\n')
    diagnosis = doctor.diagnose(
        config_file=bad, policy_file=REPO_ROOT / "policy.toml", environ={}, offline=True, allow_static=False,
        session=lambda region: session(TEMPORARY, "token"),
    )
    assert diagnosis.exit_code == 2
    assert [c.name for c in diagnosis.checks] == ["node", "configuration", "credentials"]


def test_offline_reads_no_account():
    def refuse(region):
        return session(TEMPORARY, "token")

    diagnosis = doctor.diagnose(
        config_file=CONFIG_FILE, policy_file=REPO_ROOT / "policy.toml", environ={"PATH": ""},
        offline=True, allow_static=False, session=refuse,
    )
    names = {c.name: c.status for c in diagnosis.checks}
    assert names["backend"] is Status.WARN and "aws" not in names
    assert names["terraform"] is Status.FAIL and diagnosis.exit_code == 1


def test_a_bucket_of_another_account_says_the_name_is_taken(platform_config):
    from guards.findings import error
    from guards.live_facts import BucketFacts, LiveFacts, TableFacts

    facts = LiveFacts(buckets=[BucketFacts("sg-devmin-tfstate-eu-west-2", exists=False)],
                      tables=[TableFacts("sg-devmin-tf-locks", True, "ACTIVE", ("LockID", "S"))])
    refused = error("backend-bucket-not-found", "s3:HeadBucket@eu-west-2", None,
                    "s3:HeadBucket failed with 403: the check could not run (fail-closed)")
    bucket, table = doctor.judge_backend(platform_config, POLICY, facts, [refused])
    assert bucket.status is Status.FAIL and bucket.remedy.startswith("if the bucket is not yours, the name is taken")
    assert table.status is Status.OK


def test_an_unreachable_line_carries_no_key_id(platform_config):
    class Refusing:
        def get_caller_identity(self):
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "InvalidClientTokenId", "Message": f"key {LONG_LIVED} is invalid"}},
                              "GetCallerIdentity")

    [check] = doctor.check_account_and_backend(lambda service, region: Refusing(), platform_config, POLICY)
    assert check.status is Status.FAIL and "InvalidClientTokenId" in check.message and LONG_LIVED not in check.message

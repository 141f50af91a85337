"""The teardown role, enforced by the emulator: moto evaluates IAM for assumed-role
credentials once its no-auth allowance is spent (`settings.INITIAL_NO_AUTH_ACTION_COUNT`,
what `moto.core.set_initial_no_auth_action_count` sets, read on every request of the
in-process server). Its evaluator matches actions and resources and honours an explicit
Deny; it does not evaluate conditions (a statement with one counts as a Deny for every
action it names), so only unconditioned statements are exercised here. The tag and
LeadingKeys conditions are shown on the documents (test_identities.py).
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
OTHER_BUCKET = "someone-elses-bucket"


def resolved(policy: str, config) -> str:
    """The synthesized document with the one reference it holds made concrete."""
    table = f"arn:aws:dynamodb:{config.region}:{ACCOUNT}:table/{config.backend.lock_table}"
    return policy.replace("${aws_dynamodb_table.lock_table.arn}", table)


@pytest.fixture
def teardown_session(aws, stacks, platform_config, monkeypatch):
    """Create the state bucket, the teardown role with its synthesized policies and a
    careless extra grant (`s3:*` on everything), assume it, then turn authorization on."""
    import boto3
    from moto import settings

    s3 = aws.client("s3")
    for bucket in (platform_config.backend.state_bucket, OTHER_BUCKET):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": platform_config.region})
    iam = aws.client("iam")
    role = platform_config.ci_role_name("teardown")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policies = stacks["core"]["resource"]["aws_iam_role_policy"]
    for name in ("ci_teardown_read", "ci_teardown_manage"):
        iam.put_role_policy(RoleName=role, PolicyName=policies[name]["name"], PolicyDocument=resolved(policies[name]["policy"], platform_config))
    careless = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    credentials = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="teardown")["Credentials"]

    def with_extra_grant() -> None:
        monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", float("inf"))
        iam.put_role_policy(RoleName=role, PolicyName="careless", PolicyDocument=json.dumps(careless))
        monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)

    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=platform_config.region,
    )
    return session, with_extra_grant


def refused(call) -> bool:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "AccessDenied"
    return False


def test_the_teardown_role_writes_its_stacks_state_and_cannot_delete_the_state_bucket(teardown_session, platform_config):
    session, with_extra_grant = teardown_session
    s3, bucket = session.client("s3"), platform_config.backend.state_bucket
    s3.put_object(Bucket=bucket, Key=platform_config.state_key("demo"), Body=b"{}")  # its own state: allowed
    assert refused(lambda: s3.put_object(Bucket=bucket, Key=platform_config.state_key("core"), Body=b"{}"))
    assert refused(lambda: s3.delete_bucket(Bucket=bucket))

    with_extra_grant()  # a broad grant added later does not reach past the wall
    s3.delete_object(Bucket=OTHER_BUCKET, Key="nothing")  # authorization is on, and the grant works
    s3.delete_bucket(Bucket=OTHER_BUCKET)
    assert refused(lambda: s3.delete_bucket(Bucket=bucket))
    assert refused(lambda: s3.delete_bucket_policy(Bucket=bucket))
    assert refused(lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}))

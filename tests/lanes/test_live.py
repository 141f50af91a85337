"""`stackguard check live` end to end against moto over HTTP: a seeded account gives exactly
the expected blockers, and a clean account passes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from guards.live.cost import month_to_date_window
from stacks.config import load_config
from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process
from tests.guards.live.test_budget import create_budget
from tests.guards.live.test_confluent import CREDENTIALS, billing_api, line
from tests.guards.live.test_cost import answer, seed
from tests.guards.live.test_infrastructure import _nat, _subnets

CONFIG = load_config(CONFIG_FILE)
REGION, OTHER_REGION = CONFIG.region, "us-east-1"
BUCKET, TABLE = CONFIG.backend.state_bucket, CONFIG.backend.lock_table


@pytest.fixture
def two_region_policy(tmp_path):
    policy = tmp_path / "policy.toml"
    text = (REPO_ROOT / "policy.toml").read_text()
    policy.write_text(text.replace("regions = []", f'regions = ["{REGION}", "{OTHER_REGION}"]'))
    return policy


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)  # loopback, a free port


@pytest.fixture
def confluent_billing(httpserver, monkeypatch) -> str:
    """Confluent's billing API served locally, with credentials set: the default scope
    (aws and confluent) is readable."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    httpserver.expect_request("/billing/v1/costs").respond_with_handler(billing_api({None: {"data": [line(1)]}}))
    return httpserver.url_for("/").rstrip("/")


@pytest.fixture
def no_confluent_credentials(monkeypatch) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)


def ready_backend(aws) -> None:
    s3 = aws.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=BUCKET,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
    )
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration=dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
        ),
    )
    aws.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def month_to_date_cost(moto_endpoint: str, amount: str) -> None:
    window = month_to_date_window(dt.datetime.now(dt.timezone.utc).date())
    if window:
        seed(moto_endpoint, answer(str(window[0]), str(window[1]), amount))


def check_live(policy, evidence, *extra: str) -> tuple[int, dict]:
    code, stdout, stderr = in_process(
        "check", "live", "--config", str(CONFIG_FILE), "--policy", str(policy),
        "--format", "json", "--evidence-dir", str(evidence), "--run-id", "live-test", *extra,
    )
    assert code in (0, 1), stderr
    return code, json.loads(stdout)


def test_clean_account_passes(aws, moto_endpoint, subscribers_served, two_region_policy, tmp_path, confluent_billing):
    ready_backend(aws)
    create_budget(aws, (10, 20, 28), actual="4.20")
    month_to_date_cost(moto_endpoint, "4.20")
    code, snapshot = check_live(two_region_policy, tmp_path, "--confluent-url", confluent_billing)
    assert snapshot["blockers"] == [] and code == 0
    assert snapshot["lane"] == "live"
    spend = snapshot["details"]["spend"]
    assert spend, "the cost window and data_as_of are recorded"


def test_without_confluent_credentials_the_source_is_missing(
    aws, moto_endpoint, subscribers_served, two_region_policy, tmp_path, no_confluent_credentials
):
    """The default scope includes confluent: no credentials is a blocker, never an aws-only pass."""
    ready_backend(aws)
    create_budget(aws, (10, 20, 28), actual="4.20")
    month_to_date_cost(moto_endpoint, "4.20")
    code, snapshot = check_live(two_region_policy, tmp_path)
    assert code == 1
    [blocker] = snapshot["blockers"]
    assert (blocker["code"], blocker["subject"]) == ("cost-source-missing", "spend:confluent")
    assert "CONFLUENT_CLOUD_API_KEY" in blocker["message"] and "policy.toml" in blocker["message"]


def test_a_policy_narrowed_to_aws_passes_without_confluent(
    aws, moto_endpoint, subscribers_served, two_region_policy, tmp_path, no_confluent_credentials
):
    narrowed = two_region_policy.read_text().replace('scope = ["aws", "confluent"]', 'scope = ["aws"]')
    assert narrowed != two_region_policy.read_text()
    two_region_policy.write_text(narrowed)
    ready_backend(aws)
    create_budget(aws, (10, 20, 28), actual="4.20")
    month_to_date_cost(moto_endpoint, "4.20")
    code, snapshot = check_live(two_region_policy, tmp_path)
    assert (code, snapshot["blockers"]) == (0, [])


def test_seeded_account_gives_exactly_these_blockers(
    aws, moto_endpoint, subscribers_served, two_region_policy, tmp_path, confluent_billing
):
    ready_backend(aws)
    nat_here = _nat(aws.client("ec2", region_name=REGION), _subnets(aws.client("ec2", region_name=REGION), REGION)[0], stack="demo")
    nat_there = _nat(aws.client("ec2", region_name=OTHER_REGION), _subnets(aws.client("ec2", region_name=OTHER_REGION), OTHER_REGION)[0])
    ec2 = aws.client("ec2", region_name=REGION)
    subnets = _subnets(ec2, REGION, 2)
    load_balancer = aws.client("elbv2", region_name=REGION).create_load_balancer(Name="stray", Subnets=subnets)["LoadBalancers"][0]
    ecs = aws.client("ecs", region_name=REGION)
    cluster = ecs.create_cluster(clusterName="demo")["cluster"]["clusterArn"]
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "api", "image": "nginx", "memory": 512}])
    ecs.create_service(cluster=cluster, serviceName="api", taskDefinition="api", desiredCount=2, tags=[{"key": "stack", "value": "demo"}])
    create_budget(aws, (10, 20, 25))
    lock = {"Who": "ci@runner", "Created": "2026-11-23T01:00:00Z", "Operation": "OperationTypeApply"}
    aws.client("dynamodb", region_name=REGION).put_item(
        TableName=TABLE,
        Item={"LockID": {"S": f"{BUCKET}/{CONFIG.state_key('demo')}"}, "Info": {"S": json.dumps(lock)}},
    )
    month_to_date_cost(moto_endpoint, "3.10")

    code, snapshot = check_live(two_region_policy, tmp_path, "--confluent-url", confluent_billing)
    blockers = {(b["code"], b["subject"]) for b in snapshot["blockers"]}
    account = "123456789012"
    assert code == 1
    assert blockers == {
        ("forbidden-nat-gateway", f"arn:aws:ec2:{REGION}:{account}:natgateway/{nat_here}"),
        ("forbidden-nat-gateway", f"arn:aws:ec2:{OTHER_REGION}:{account}:natgateway/{nat_there}"),
        ("forbidden-load-balancer", load_balancer["LoadBalancerArn"]),
        ("budget-thresholds-mismatch", f"arn:aws:budgets::{account}:budget/{CONFIG.budget.name}"),
        ("budget-stop-threshold-missing", f"arn:aws:budgets::{account}:budget/{CONFIG.budget.name}"),
        ("state-locked", f"{BUCKET}/{CONFIG.state_key('demo')}"),
    }
    # The demo service (desired count 2) is allowed: demo is ephemeral.
    assert not any(b["subject"].endswith("/api") for b in snapshot["blockers"])


def test_unreachable_aws_is_a_tooling_failure(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, stdout, stderr = in_process("check", "live", "--config", str(CONFIG_FILE), "--evidence-dir", str(tmp_path))
    assert code == 3
    assert stderr.startswith("error: AWS unreachable") and len(stderr.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*_snapshot.json"))


def test_only_backend_judges_no_spend(aws, tmp_path):
    ready_backend(aws)
    code, stdout, stderr = in_process(
        "check", "live", "--config", str(CONFIG_FILE), "--only", "backend", "--format", "json", "--evidence-dir", str(tmp_path)
    )
    snapshot = json.loads(stdout)
    assert code == 0, snapshot["blockers"]
    assert not any(f["code"].startswith("cost-") and f["status"] != "PASS" for f in snapshot["findings"])


@pytest.mark.parametrize("tag", [{"stack": "someone-else"}, {}], ids=["unknown-stack-tag", "untagged"])
def test_without_stack_every_forbidden_resource_counts_whatever_its_tag(aws, tmp_path, tag):
    ec2 = aws.client("ec2", region_name=REGION)
    nat = _nat(ec2, _subnets(ec2, REGION)[0], **tag)
    code, stdout, stderr = in_process(
        "check", "live", "--config", str(CONFIG_FILE), "--only", "infra", "--format", "json",
        "--evidence-dir", str(tmp_path),
    )
    snapshot = json.loads(stdout)
    assert code == 1, stderr
    assert [(b["code"], b["subject"].endswith(nat)) for b in snapshot["blockers"]] == [("forbidden-nat-gateway", True)]

"""Evidence publication to the evidence bucket, and the verdict read back from it (moto over HTTP)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from evidence import publish as publish_module
from evidence import s3_objects
from evidence.publish import AlreadyPublished, publish_run
from evidence.store import write_snapshot
from foundation.digests import bytes_sha256
from guards.findings import passed
from guards.policy import load_policy
from stacks.config import load_config
from tests.conftest import CONFIG_FILE, REPO_ROOT, corpus_file, in_process
from tests.evidence.conftest import make_snapshot

POLICY_FILE = REPO_ROOT / "policy.toml"
CONFIG = load_config(CONFIG_FILE)
BUCKET = CONFIG.evidence.bucket
RUN = "20261123T030000Z-abcdef"
ENV = "dev_min"
SYNTH_KEY = f"evidence/{ENV}/synth/{RUN}/synth_snapshot.json"
PLAN_KEY = f"evidence/{ENV}/plan/{RUN}/plan_snapshot.json"
SYNTH_INDEX = f"evidence/{ENV}/synth/{RUN}/index.json"
PLAN_INDEX = f"evidence/{ENV}/plan/{RUN}/index.json"
INDEXES = (PLAN_INDEX, SYNTH_INDEX)
ALL_KEYS = {SYNTH_KEY, PLAN_KEY, *INDEXES}
PLAN_URL = f"s3://{BUCKET}/evidence/{ENV}/plan/{RUN}/"
SYNTH_URL = f"s3://{BUCKET}/evidence/{ENV}/synth/{RUN}/"
ENV_URL = f"s3://{BUCKET}/evidence/{ENV}/"
CLEAN = [passed("forbidden-nat-gateway", "*", None, "checked")]


@pytest.fixture
def s3(aws):
    """The evidence bucket as core makes it: Object Lock on, governance-mode default retention."""
    client = aws.client("s3")
    client.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": CONFIG.region},
        ObjectLockEnabledForBucket=True,
    )
    client.put_object_lock_configuration(
        Bucket=BUCKET,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": CONFIG.evidence.retention_days}},
        },
    )
    return client


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """Two lanes of one run, taken under the current policy, written as the lanes write them."""
    root = tmp_path / "runs"
    digest = load_policy(POLICY_FILE).digest
    for lane in ("synth", "plan"):
        write_snapshot(root, make_snapshot(CLEAN, lane=lane, run_id=RUN, policy_digest=digest))
    return root


def objects(s3) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents") or []
    return {item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read() for item in listed}


def publish(run_dir: Path, *extra: str) -> tuple[int, str, str]:
    return in_process("evidence", "publish", str(run_dir), "--config", str(CONFIG_FILE), *extra)


def verdict(target: str, *extra: str) -> tuple[int, str, str]:
    return in_process("verdict", target, "--policy", str(POLICY_FILE), "--config", str(CONFIG_FILE), *extra)


def local_file(run_dir: Path, lane: str) -> bytes:
    return (run_dir / ENV / lane / RUN / f"{lane}_snapshot.json").read_bytes()


def closed_endpoint() -> str:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_published_evidence_is_retained_and_cannot_be_deleted(s3, run_dir):
    code, _, stderr = publish(run_dir)
    assert code == 0, stderr
    for key in ALL_KEYS:
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert head["ObjectLockMode"] == "GOVERNANCE"
        with pytest.raises(s3.exceptions.ClientError, match="AccessDenied"):
            s3.delete_object(Bucket=BUCKET, Key=key, VersionId=head["VersionId"])
    assert set(objects(s3)) == ALL_KEYS
    code, stdout, _ = verdict(ENV_URL, "--run-id", RUN)
    assert code == 0 and "VERDICT: PASS" in stdout


def test_publish_uploads_each_snapshot_and_beside_it_an_index_listing_it(s3, run_dir):
    code, stdout, stderr = publish(run_dir)
    assert (code, stderr) == (0, "")
    stored = objects(s3)
    assert set(stored) == ALL_KEYS
    assert stored[SYNTH_KEY] == local_file(run_dir, "synth") and stored[PLAN_KEY] == local_file(run_dir, "plan")
    for lane, key, index_key in (("plan", PLAN_KEY, PLAN_INDEX), ("synth", SYNTH_KEY, SYNTH_INDEX)):
        index = {
            "environment": ENV,
            "lane": lane,
            "objects": [{"key": key, "sha256": bytes_sha256(stored[key]), "size": len(stored[key])}],
            "run_id": RUN,
            "schema_version": 2,
        }
        assert stored[index_key] == (json.dumps(index, sort_keys=True, indent=2) + "\n").encode()
    assert stdout.splitlines() == [
        f"snapshot  {bytes_sha256(stored[PLAN_KEY])}  s3://{BUCKET}/{PLAN_KEY}",
        f"snapshot  {bytes_sha256(stored[SYNTH_KEY])}  s3://{BUCKET}/{SYNTH_KEY}",
        f"index     {bytes_sha256(stored[PLAN_INDEX])}  s3://{BUCKET}/{PLAN_INDEX}",
        f"index     {bytes_sha256(stored[SYNTH_INDEX])}  s3://{BUCKET}/{SYNTH_INDEX}",
    ]


def test_publish_run_reads_env_lane_and_run_from_the_snapshots_not_the_path(aws, s3, tmp_path, run_dir):
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (run_dir / ENV / "synth" / RUN).rename(moved / "a")
    (run_dir / ENV / "plan" / RUN).rename(moved / "b")
    published = publish_run(aws, bucket=BUCKET, run_dir=moved, region=CONFIG.region)
    assert [o.key for o in published.objects] == [PLAN_KEY, SYNTH_KEY]
    assert [i.key for i in published.indexes] == [PLAN_INDEX, SYNTH_INDEX]
    assert set(objects(s3)) == ALL_KEYS


def test_publishing_the_same_run_again_is_refused_and_changes_nothing(s3, run_dir):
    assert publish(run_dir)[0] == 0
    before = {o["Key"]: (o["ETag"], o["LastModified"]) for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    code, stdout, stderr = publish(run_dir)
    assert code == 2 and stdout == ""
    assert len(stderr.strip().splitlines()) == 1
    assert stderr.startswith(f"error: run {RUN} of lanes plan, synth is already published, nothing uploaded; already there: ")
    assert all(f"s3://{BUCKET}/{key}" in stderr for key in ALL_KEYS)
    after = {o["Key"]: (o["ETag"], o["LastModified"]) for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert after == before


def test_one_taken_key_refuses_the_whole_run_before_any_upload(s3, run_dir):
    s3.put_object(Bucket=BUCKET, Key=PLAN_KEY, Body=b"someone else's")
    code, _, stderr = publish(run_dir)
    assert code == 2
    assert stderr.startswith(f"error: run {RUN} of lane plan is already published, nothing uploaded")
    assert stderr.strip().endswith(f"already there: s3://{BUCKET}/{PLAN_KEY}")
    assert objects(s3) == {PLAN_KEY: b"someone else's"}  # synth, whose lane is free, is not uploaded either


def test_moto_and_s3_refuse_a_conditional_overwrite(s3):
    s3_objects.put_new(s3, BUCKET, "evidence/x", b"first")
    with pytest.raises(s3_objects.ObjectExists):
        s3_objects.put_new(s3, BUCKET, "evidence/x", b"second")
    assert objects(s3) == {"evidence/x": b"first"}


def test_a_race_past_the_check_is_refused_by_the_conditional_write(aws, s3, run_dir, monkeypatch):
    """Another publisher takes a key between our check and our write: S3 refuses ours."""
    s3.put_object(Bucket=BUCKET, Key=SYNTH_KEY, Body=b"the other publisher's")
    monkeypatch.setattr(publish_module.s3_objects, "exists", lambda *args: False)
    with pytest.raises(AlreadyPublished) as refused:
        publish_run(aws, bucket=BUCKET, run_dir=run_dir, region=CONFIG.region)
    message = str(refused.value)
    assert f"s3://{BUCKET}/{SYNTH_KEY} already exists (written concurrently), nothing more uploaded" in message
    assert f"uploaded before this, left without index (incomplete): s3://{BUCKET}/{PLAN_KEY}" in message
    assert set(objects(s3)) == {PLAN_KEY, SYNTH_KEY}  # no index: both lanes read as incomplete
    assert objects(s3)[SYNTH_KEY] == b"the other publisher's"


def test_a_race_on_one_lanes_index_leaves_the_lanes_before_it_published(aws, s3, run_dir, monkeypatch):
    """Each lane is committed by its own index: losing synth's index race keeps plan's commit."""
    s3.put_object(Bucket=BUCKET, Key=SYNTH_INDEX, Body=b"the other publisher's")
    monkeypatch.setattr(publish_module.s3_objects, "exists", lambda *args: False)
    with pytest.raises(AlreadyPublished) as refused:
        publish_run(aws, bucket=BUCKET, run_dir=run_dir, region=CONFIG.region)
    message = str(refused.value)
    assert f"s3://{BUCKET}/{SYNTH_INDEX} already exists (written concurrently)" in message
    assert f"left without index (incomplete): s3://{BUCKET}/{SYNTH_KEY};" in message
    assert message.endswith(f"published before this: s3://{BUCKET}/{PLAN_KEY}, s3://{BUCKET}/{PLAN_INDEX}")
    assert set(objects(s3)) == ALL_KEYS and objects(s3)[SYNTH_INDEX] == b"the other publisher's"


def test_a_read_back_that_differs_stops_before_the_index(aws, s3, run_dir, monkeypatch):
    real_put = s3_objects.put_new

    def put_then_corrupt(client, bucket, key, body):
        real_put(client, bucket, key, body)
        if key == SYNTH_KEY:
            s3.put_object(Bucket=bucket, Key=key, Body=body + b" ")  # corrupted on the way

    monkeypatch.setattr(publish_module.s3_objects, "put_new", put_then_corrupt)
    code, _, stderr = publish(run_dir)
    assert code == 3 and len(stderr.strip().splitlines()) == 1
    assert stderr.startswith(f"error: read-back of s3://{BUCKET}/{SYNTH_KEY}: sha256 ")
    assert "no index written" in stderr
    assert not set(INDEXES) & set(objects(s3))


def test_a_snapshot_that_does_not_read_refuses_the_run_before_any_upload(s3, run_dir):
    broken = run_dir / ENV / "live" / RUN / "live_snapshot.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"lane": "live"}')
    code, _, stderr = publish(run_dir)
    assert code == 2
    assert stderr.startswith(f"error: {broken}: not a readable snapshot") and len(stderr.strip().splitlines()) == 1
    assert objects(s3) == {}


def test_snapshots_of_several_runs_need_a_run_id(s3, run_dir):
    write_snapshot(run_dir, make_snapshot(CLEAN, run_id="20261124T000000Z-000000"))
    code, _, stderr = publish(run_dir)
    assert code == 2 and "more than one run" in stderr and "--run-id" in stderr
    assert objects(s3) == {}
    code, stdout, _ = publish(run_dir, "--run-id", RUN)
    assert code == 0
    assert set(objects(s3)) == ALL_KEYS


def test_a_missing_bucket_is_configuration(aws, run_dir):
    code, _, stderr = publish(run_dir, "--bucket", "no-such-evidence-bucket")
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert "failed with NoSuchBucket" in stderr and "no-such-evidence-bucket" in stderr


def test_a_clean_published_run_passes_and_equals_the_local_verdict(s3, run_dir):
    assert publish(run_dir)[0] == 0
    local = in_process("verdict", str(run_dir), "--policy", str(POLICY_FILE), "--json")
    for extra in ((), ("--run-id", RUN)):
        code, stdout, stderr = verdict(ENV_URL, "--json", *extra)
        assert (code, stdout, stderr) == local
        assert code == 0 and json.loads(stdout)["passed"] is True
    code, stdout, _ = verdict(ENV_URL)
    assert code == 0 and stdout.splitlines()[-1] == "VERDICT: PASS"


def test_a_lane_prefix_reads_that_lane_alone(s3, run_dir):
    assert publish(run_dir)[0] == 0
    code, stdout, _ = verdict(PLAN_URL, "--json")
    assert [lane["lane"] for lane in json.loads(stdout)["lanes"] if lane["run_id"]] == ["plan"]
    assert code == 1  # synth is required and not there
    assert verdict(ENV_URL, "--run-id", "20261124T000000Z-000000")[0] == 1  # no lane of that run


def test_a_tampered_object_blocks_the_verdict_with_a_sha256_mismatch(s3, run_dir):
    assert publish(run_dir)[0] == 0
    tampered = json.loads(s3.get_object(Bucket=BUCKET, Key=PLAN_KEY)["Body"].read())
    tampered["tool_version"] = "9.9.9"  # still a valid, passing snapshot: only the digest tells
    s3.put_object(Bucket=BUCKET, Key=PLAN_KEY, Body=json.dumps(tampered).encode())
    for target in (PLAN_URL, ENV_URL):
        code, stdout, _ = verdict(target)
        assert code == 1
        [problem] = [line for line in stdout.splitlines() if line.startswith("problem: ")]
        assert problem.startswith(f"problem: s3://{BUCKET}/{PLAN_KEY}: sha256 mismatch: the index records ")
        assert stdout.splitlines()[-1] == "VERDICT: BLOCKED"


def test_a_run_without_its_index_is_an_incomplete_run_and_blocks(s3, run_dir):
    assert publish(run_dir)[0] == 0
    s3.delete_object(Bucket=BUCKET, Key=SYNTH_INDEX)
    for target in (SYNTH_URL, ENV_URL):
        code, stdout, _ = verdict(target)
        assert code == 1, target
        assert f"problem: incomplete run {RUN}: no index at s3://{BUCKET}/{SYNTH_INDEX}" in stdout
        assert stdout.splitlines()[-1] == "VERDICT: BLOCKED"


def test_an_object_listed_in_the_index_but_gone_blocks(s3, run_dir):
    assert publish(run_dir)[0] == 0
    s3.delete_object(Bucket=BUCKET, Key=SYNTH_KEY)
    code, stdout, _ = verdict(SYNTH_URL)
    assert code == 1
    assert f"problem: s3://{BUCKET}/{SYNTH_KEY}: listed in the run's index but missing" in stdout


@pytest.mark.parametrize("url", ["s3://bucket/other/dev_min/", "s3://bucket/evidence/dev_min/plan/", "s3://bucket/evidence/dev_min/plan/r/x/", "s3://bucket"])
def test_a_malformed_s3_prefix_is_bad_input(url):
    code, _, stderr = verdict(url)
    assert code == 2 and stderr.startswith(f"error: {url}: expected s3://BUCKET/evidence/ENV/")


def test_no_credentials_is_a_tooling_failure_in_one_line(aws, run_dir, monkeypatch):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(variable)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for code, stdout, stderr in (publish(run_dir), verdict(PLAN_URL)):
        assert (code, stdout) == (3, "")
        assert stderr.startswith("error: AWS unreachable or no credentials: s3:") and "NoCredentialsError" in stderr
        assert len(stderr.strip().splitlines()) == 1


def test_an_unreachable_endpoint_is_a_tooling_failure_in_one_line(aws, run_dir, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed_endpoint())
    for code, stdout, stderr in (publish(run_dir), verdict(PLAN_URL)):
        assert (code, stdout) == (3, "")
        assert stderr.startswith("error: AWS unreachable or no credentials: s3:HeadObject failed with EndpointConnectionError") or stderr.startswith(
            "error: AWS unreachable or no credentials: s3:GetObject failed with EndpointConnectionError"
        )
        assert len(stderr.strip().splitlines()) == 1


# Lanes publishing on their own: `check plan` on a plan with NAT gateways (exit 1); a vendored
# file, so these run on every clone.
PLAN = "tfcompliance__tests_functional_test_issue-158_plan.out.json"


def check_plan(tmp_path: Path) -> tuple[int, str, str]:
    return in_process("check", "plan", str(corpus_file(PLAN)), "--policy", str(POLICY_FILE), "--evidence-dir", str(tmp_path / "runs"), "--run-id", RUN)


def test_a_lane_publishes_its_snapshot_when_switched_on(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKGUARD_CONFIG", str(CONFIG_FILE))
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", "1")
    code, _, stderr = check_plan(tmp_path)
    assert code == 1  # the lane's own verdict
    stored = objects(s3)
    assert set(stored) == {PLAN_KEY, PLAN_INDEX}
    assert stored[PLAN_KEY] == (tmp_path / "runs" / ENV / "plan" / RUN / "plan_snapshot.json").read_bytes()
    assert stderr.splitlines()[1:] == [
        f"published snapshot  {bytes_sha256(stored[PLAN_KEY])}  s3://{BUCKET}/{PLAN_KEY}",
        f"published index     {bytes_sha256(stored[PLAN_INDEX])}  s3://{BUCKET}/{PLAN_INDEX}",
    ]


def test_a_lane_stays_offline_unless_switched_on(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKGUARD_CONFIG", str(CONFIG_FILE))
    monkeypatch.delenv("STACKGUARD_PUBLISH_EVIDENCE", raising=False)
    code, _, stderr = check_plan(tmp_path)
    assert code == 1 and stderr.startswith("snapshot: ") and len(stderr.splitlines()) == 1
    assert objects(s3) == {}


@pytest.mark.parametrize(
    "switch, endpoint, warning",
    [
        ("1", "closed", "warning: evidence not published: AWS unreachable or no credentials: s3:HeadObject failed with EndpointConnectionError"),
        ("yes", "moto", "warning: evidence not published: STACKGUARD_PUBLISH_EVIDENCE must be 1 (or unset), not 'yes'"),
    ],
)
def test_a_lane_that_cannot_publish_warns_and_keeps_its_exit_code(s3, tmp_path, monkeypatch, switch, endpoint, warning):
    monkeypatch.setenv("STACKGUARD_CONFIG", str(CONFIG_FILE))
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", switch)
    if endpoint == "closed":
        monkeypatch.setenv("AWS_ENDPOINT_URL", closed_endpoint())
    code, _, stderr = check_plan(tmp_path)
    assert code == 1
    [snapshot_line, warning_line] = stderr.splitlines()
    assert snapshot_line.startswith("snapshot: ") and warning_line.startswith(warning)


def test_lanes_sharing_a_run_id_each_publish_under_their_own_index(s3, run_dir, tmp_path, monkeypatch):
    """Lanes of one CI run share its run id: synth published first does not shut out plan."""
    (run_dir / ENV / "plan").rename(tmp_path / "plan-later")  # publish synth alone first
    assert publish(run_dir)[0] == 0
    monkeypatch.setenv("STACKGUARD_CONFIG", str(CONFIG_FILE))
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", "1")
    code, _, stderr = check_plan(tmp_path)
    assert code == 1
    assert [line.split()[1] for line in stderr.splitlines()[1:]] == ["snapshot", "index"]
    assert set(objects(s3)) == ALL_KEYS
    code, stdout, _ = verdict(ENV_URL, "--run-id", RUN, "--json")
    assert code == 1 and json.loads(stdout)["problems"] == []  # both lanes read back intact (plan blocks)
    assert {lane["lane"] for lane in json.loads(stdout)["lanes"] if lane["run_id"] == RUN} == {"synth", "plan"}


def test_a_lane_whose_run_is_already_published_is_not_published_again_and_says_why(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKGUARD_CONFIG", str(CONFIG_FILE))
    monkeypatch.setenv("STACKGUARD_PUBLISH_EVIDENCE", "1")
    assert check_plan(tmp_path)[0] == 1
    before = objects(s3)
    code, _, stderr = check_plan(tmp_path / "again")  # the same lane and run id, written elsewhere
    assert code == 1
    assert stderr.splitlines()[1].startswith(
        f"warning: evidence not published: run {RUN} of lane plan is already published, nothing uploaded"
    )
    assert objects(s3) == before

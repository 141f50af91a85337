"""The operator kernel on its own: the saved plan's re-check, the credential gate, and the
snapshot builder every lane records through."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from botocore.credentials import Credentials

from foundation.errors import ExitCode
from guards.findings import fail, passed
from guards.policy import Waiver, load_policy
from stackguard.lanes.operator import (
    Gathered,
    PlanChanged,
    Request,
    build_snapshot,
    gate_credentials,
    open_access,
    private_directory,
    record,
    save_plan,
)
from stackguard.terraform import Terraform, find_binary
from tests.support.operator_env import POLICY_FILE
from tests.support.plans import CONFIG

AKIA, ASIA, SECRET = "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
POLICY = load_policy(POLICY_FILE)


def request(tmp_path: Path, *, environ=None, allow_static: bool = False) -> Request:
    (tmp_path / "cdktf.out" / "stacks" / "demo").mkdir(parents=True, exist_ok=True)
    return Request(
        operation="deploy",
        stack="demo",
        config=CONFIG,
        policy=POLICY,
        out_dir=tmp_path / "cdktf.out",
        evidence_root=tmp_path / "runs",
        run_id="k-1",
        environ=environ or {},
        allow_static_credentials=allow_static,
    )


class OfflineSession:
    """A session with these credentials that fails the test if any client is made."""

    def __init__(self, access_key: str, token: str | None = None) -> None:
        self.credentials = Credentials(access_key, SECRET, token, method="shared-credentials-file")

    def get_credentials(self) -> Credentials:
        return self.credentials

    def client(self, *args, **kwargs):
        raise AssertionError("AWS was called although the credentials were refused")


# -- the saved plan -------------------------------------------------------------------------


def terraform(tmp_path: Path) -> Terraform:
    req = request(tmp_path)
    return Terraform(find_binary("terraform"), req.workdir, os.environ)


@pytest.fixture
def private(tmp_path):
    with private_directory() as directory:
        yield directory
    assert not directory.exists(), "the private directory goes with everything in it"


@pytest.fixture
def saved(tmp_path, fake_terraform, private):
    fake_terraform.plan({"format_version": "1.2", "resource_changes": []})
    return save_plan(terraform(tmp_path), "deploy-k-1.tfplan", private)


def test_a_saved_plan_owns_its_file_digest_and_show_output(saved, fake_terraform, tmp_path, private):
    original = tmp_path / "cdktf.out" / "stacks" / "demo" / "deploy-k-1.tfplan"
    assert [call[0] for call in fake_terraform.calls()] == ["init", "plan", "show"]
    assert saved.original == original and saved.file == private / "deploy-k-1.tfplan"
    assert not original.exists(), "only the private copy is kept"
    assert fake_terraform.calls()[2] == ["show", "-json", str(saved.file)], "what is shown is the copy"
    assert saved.sha256 == hashlib.sha256(saved.file.read_bytes()).hexdigest()
    assert json.loads(saved.shown)["resource_changes"] == []
    assert saved.input_digests() == {str(original): saved.sha256}
    assert saved.details()["plan_file_sha256"] == saved.sha256


def test_the_private_directory_is_the_users_alone(private):
    assert stat.S_IMODE(private.stat().st_mode) == 0o700 and private.stat().st_uid == os.getuid()


def test_a_destroy_plan_is_asked_for_with_destroy(tmp_path, fake_terraform, private):
    fake_terraform.plan({"format_version": "1.2", "resource_changes": []})
    save_plan(terraform(tmp_path), "teardown-k-1.tfplan", private, destroy=True)
    assert fake_terraform.calls()[1] == ["plan", "-destroy", "-input=false", "-no-color", "-out=teardown-k-1.tfplan"]


def test_an_unchanged_plan_file_is_applied_exactly(saved, fake_terraform):
    result = saved.apply()
    assert result.returncode == 0
    assert fake_terraform.calls()[-1] == ["apply", "-input=false", "-no-color", str(saved.file)]
    assert fake_terraform.applied() == [{"path": str(saved.file), "sha256": saved.sha256}]


def test_swapping_the_original_after_review_changes_nothing_applied(saved, fake_terraform):
    saved.original.write_bytes(b"a plan someone swapped in")
    saved.apply()
    assert fake_terraform.applied() == [{"path": str(saved.file), "sha256": saved.sha256}]


@pytest.mark.parametrize("tamper", [lambda f: f.write_bytes(b"another plan"), Path.unlink], ids=["changed", "vanished"])
def test_a_changed_or_vanished_plan_file_is_refused_before_terraform_runs(saved, fake_terraform, tamper):
    calls = len(fake_terraform.calls())
    tamper(saved.file)
    with pytest.raises(PlanChanged) as refused:
        saved.apply(judged_as="the contract was checked")
    assert refused.value.code is ExitCode.ENVIRONMENT
    assert str(refused.value) == (
        f"the plan file {saved.file} changed or vanished since the contract was checked; nothing was applied"
    )
    assert len(fake_terraform.calls()) == calls, "terraform apply must not run"


# -- the credential gate ---------------------------------------------------------------------


def test_static_keys_are_refused_and_never_repeated(tmp_path):
    gate = gate_credentials(request(tmp_path), OfflineSession(AKIA))
    assert gate.blocks and not gate.static_allowed
    assert [f.subject for f in gate.findings] == ["credentials:shared-credentials-file"]
    assert AKIA not in json.dumps([f.model_dump() for f in gate.findings])


def test_the_flag_lets_static_keys_through_and_says_so(tmp_path):
    environ = {"AWS_ACCESS_KEY_ID": AKIA, "AWS_SECRET_ACCESS_KEY": SECRET}
    req = request(tmp_path, environ=environ, allow_static=True)
    gate = gate_credentials(req, OfflineSession(AKIA))
    assert not gate.blocks and gate.static_allowed
    assert gate.details(req.allow_static_credentials) == {"allow_static_credentials_flag": True, "static_credentials_allowed": True}


def test_short_lived_credentials_pass_visibly(tmp_path):
    gate = gate_credentials(request(tmp_path), OfflineSession(ASIA, "token"))
    assert [(f.code, f.status.value) for f in gate.findings] == [("static-credentials", "PASS")]
    assert not gate.blocks and not gate.static_allowed


def test_refused_credentials_are_never_used_to_call_aws(tmp_path, fake_terraform):
    gathered = Gathered()
    access = open_access(request(tmp_path), OfflineSession(AKIA), gathered)
    assert access.account is None and gathered.blocks
    assert "account" not in gathered.details


def test_terraform_is_given_the_resolved_credentials_and_nothing_else_of_aws(tmp_path, fake_terraform):
    environ = {
        "AWS_PROFILE": "old", "AWS_ACCESS_KEY": AKIA, "AWS_SECRET_KEY": SECRET, "AWS_SECURITY_TOKEN": "t" * 20,
        "AWS_SHARED_CREDENTIALS_FILE": "/elsewhere", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
        "TF_CLI_CONFIG_FILE": "/tf.rc", "TF_VAR_x": "1", "PATH": "/bin", "HOME": "/home/op", "PYTHONPATH": "/x",
    }
    gathered = Gathered()
    access = open_access(request(tmp_path, environ=environ), OfflineSession(ASIA, "session-token"), gathered)
    assert {f.subject for f in gathered.findings if f.blocks} == {"env:AWS_ACCESS_KEY"}  # the alias keys
    env = access.terraform.env
    assert {k: v for k, v in env.items() if k.startswith("AWS_")} == {
        "AWS_ACCESS_KEY_ID": ASIA, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": "session-token",
        "AWS_REGION": CONFIG.region, "AWS_DEFAULT_REGION": CONFIG.region, "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    }
    assert {k: v for k, v in env.items() if not k.startswith("AWS_")} == {
        "TF_CLI_CONFIG_FILE": "/tf.rc", "TF_VAR_x": "1", "PATH": "/bin", "HOME": "/home/op",
    }
    assert SECRET not in repr(access) and "session-token" not in repr(access)
    assert access.terraform.scrubber.text(f"{SECRET} {'t' * 20}") == "(redacted) (redacted)"


# -- the snapshot builder ----------------------------------------------------------------------


NAT = fail("forbidden-nat-gateway", "aws_nat_gateway.nat", "demo", "a NAT gateway")
OK = passed("forbidden-load-balancer", "demo", "demo", "no load balancer")


def test_the_verdict_is_derived_from_the_findings():
    started = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    snapshot = build_snapshot("deploy-plan", "k-1", POLICY, Gathered(started, [OK, NAT], {"b": "2", "a": "1"}, {"x": 1}))
    assert not snapshot.overall_pass
    assert [(b.code, b.subject) for b in snapshot.blockers] == [("forbidden-nat-gateway", "aws_nat_gateway.nat")]
    assert (snapshot.lane, snapshot.run_id, snapshot.environment) == ("deploy-plan", "k-1", POLICY.environment)
    assert snapshot.policy_digest == POLICY.digest and snapshot.started_at == started
    assert list(snapshot.input_digests) == ["a", "b"] and snapshot.details == {"x": 1}
    assert snapshot.finished_at >= started and snapshot.tool_version
    assert build_snapshot("plan", "k-1", POLICY, Gathered(findings=[OK])).overall_pass


def test_the_policys_waivers_apply_unless_the_findings_already_carry_them():
    waiver = Waiver(rule="forbidden-nat-gateway", subject="aws_nat_gateway.*", justification="a test waiver", expires=dt.date(2999, 1, 1))
    policy = POLICY.model_copy(update={"waivers": [waiver]})
    waived = build_snapshot("plan", "k-1", policy, Gathered(findings=[NAT]))
    assert waived.overall_pass and [w.covers for w in waived.waivers_applied] == [["aws_nat_gateway.nat"]]
    judged = build_snapshot("plan", "k-1", policy, Gathered(findings=[NAT], waivers=[]))
    assert not judged.overall_pass and judged.waivers_applied == []


def test_record_writes_the_snapshot_where_the_verdict_finds_it(tmp_path):
    snapshot, path = record(request(tmp_path), "deploy-plan", Gathered(findings=[NAT]))
    assert path == tmp_path / "runs" / POLICY.environment / "deploy-plan" / "k-1" / "deploy-plan_snapshot.json"
    assert json.loads(path.read_text())["overall_pass"] is False == snapshot.overall_pass

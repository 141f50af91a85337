"""`stackguard check` and `stackguard verdict` end to end, as CI runs them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ACTIVE, CORPUS, REPO_ROOT, corpus_file, in_process, needs_corpus

PLAN_WITH_NATS = "tfcompliance__tests_functional_test_issue-158_plan.out.json"  # vendored: runs on every clone
PLAN_WITH_SECRET = "AWS_RealEstate__terraform_plan.json"  # no vendored plan marks a real secret that blocks
SECRET = "airflow123!"  # marked sensitive in that plan
STATE = "infracost__cmd_infracost_testdata_terraform_v0.14_state.json"
JSON_LINES = "nonstandard/Terraform-VPC-setup__tfplan.json"
WRAPPER_TRAILER = "nonstandard/aws-validation__removingtfplan.json"
WRAPPER = "nonstandard/infracost__cmd_infracost_testdata_plan_with_terraform_wrapper.json"
ERRORED = "terraform__internal_command_testdata_show-json_plan-error_output.json"


def run(stackguard_bin, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*stackguard_bin, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, **kwargs
    )


def test_our_synth_passes_and_the_verdict_says_so(stackguard_bin, synth_dir, tmp_path):
    result = run(stackguard_bin, "check", "synth", synth_dir, "--evidence-dir", tmp_path, "--run-id", "r1")
    assert result.returncode == 0, result.stdout + result.stderr
    snapshot_file = tmp_path / "dev_min/synth/r1/synth_snapshot.json"
    snapshot = json.loads(snapshot_file.read_text())
    assert snapshot["overall_pass"] is True and snapshot["blockers"] == []
    assert set(snapshot["input_digests"]) == {str(synth_dir / f"stacks/{s}/cdk.tf.json") for s in ("confluent", "core", "demo")}
    verdict = run(stackguard_bin, "verdict", tmp_path, "--run-id", "r1")
    assert verdict.returncode == 0 and "VERDICT: PASS" in verdict.stdout


def test_blocking_plan_exits_1_and_sarif_names_each_instance(stackguard_bin, tmp_path):
    result = run(stackguard_bin, "check", "plan", corpus_file(PLAN_WITH_NATS), "--format", "sarif", "--evidence-dir", tmp_path)
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    nats = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "forbidden-nat-gateway"
    }
    assert nats == {f"module.vpc.aws_nat_gateway.this[{i}]" for i in range(3)}
    # a plan has no construct paths: its results stay on the plan document
    assert all(len(r["locations"][0]["logicalLocations"]) == 1 for r in sarif["runs"][0]["results"])
    assert all(r["locations"][0]["physicalLocation"]["region"] == {"startLine": 1} for r in sarif["runs"][0]["results"])


def test_sarif_rules_link_to_their_docs_in_the_configured_repository(stackguard_bin, tmp_path):
    config = tmp_path / "platform.toml"
    config.write_text((REPO_ROOT / "platform.toml").read_text().replace("example-org/dev-platform", "acme/infra"))
    env = {**os.environ, "STACKGUARD_CONFIG": str(config)}
    result = run(stackguard_bin, "check", "plan", corpus_file(PLAN_WITH_NATS), "--format", "sarif", "--evidence-dir", tmp_path, env=env)
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["forbidden-nat-gateway"]["helpUri"] == (
        "https://github.com/acme/infra/blob/main/docs/rules.md#code-forbidden-nat-gateway"
    )


def test_json_format_prints_exactly_the_written_snapshot(stackguard_bin, tmp_path):
    result = run(stackguard_bin, "check", "plan", corpus_file(PLAN_WITH_NATS), "--format", "json", "--evidence-dir", tmp_path, "--run-id", "r2")
    written = (tmp_path / "dev_min/plan/r2/plan_snapshot.json").read_text()
    assert result.stdout == written
    assert result.stderr.strip() == f"snapshot: {tmp_path / 'dev_min/plan/r2/plan_snapshot.json'}"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_sensitive_values_never_reach_any_output(stackguard_bin, tmp_path, fmt):
    plan = corpus_file(PLAN_WITH_SECRET)
    report = tmp_path / "report"
    result = run(stackguard_bin, "check", "plan", plan, "--format", fmt, "--evidence-dir", tmp_path, "--output", report)
    assert result.returncode == 1
    assert SECRET in plan.read_text(), "the fixture must contain the secret"
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert SECRET not in result.stdout + result.stderr + written


def test_policy_change_reopens_the_gate(stackguard_bin, synth_dir, tmp_path):
    assert run(stackguard_bin, "check", "synth", synth_dir, "--evidence-dir", tmp_path, "--run-id", "r3").returncode == 0
    changed = tmp_path / "policy.toml"
    changed.write_text((REPO_ROOT / "policy.toml").read_text().replace("stop_threshold_usd = 28", "stop_threshold_usd = 20"))
    verdict = run(stackguard_bin, "verdict", tmp_path, "--policy", changed)
    assert verdict.returncode == 1
    assert "current policy" in verdict.stdout


def test_verdict_without_required_snapshot_blocks(stackguard_bin, tmp_path):
    verdict = run(stackguard_bin, "verdict", tmp_path)
    assert verdict.returncode == 1
    assert "no snapshot for this required lane" in verdict.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        pytest.param(["check", "plan", CORPUS / STATE], "state JSON, not a plan", marks=needs_corpus(STATE)),
        pytest.param(["check", "plan", CORPUS / JSON_LINES], "terraform show -json", marks=needs_corpus(JSON_LINES)),
        pytest.param(["check", "plan", CORPUS / WRAPPER_TRAILER], "terraform_wrapper: false", marks=needs_corpus(WRAPPER_TRAILER)),
        pytest.param(["check", "plan", CORPUS / WRAPPER], "terraform_wrapper: false", marks=needs_corpus(WRAPPER)),
        pytest.param(["check", "plan", CORPUS / ERRORED], "errored", marks=needs_corpus(ERRORED)),
        (["check", "plan", CORPUS / "absent.json"], "absent.json"),
        pytest.param(["check", "plan", CORPUS / PLAN_WITH_NATS, "--format", "yaml"], "--format", marks=needs_corpus(PLAN_WITH_NATS)),
        (["check", "synth", "/nonexistent/cdktf.out"], "/nonexistent/cdktf.out"),
        # Markdown is not TOML: the repository's own README, present in every clone.
        pytest.param(["check", "plan", CORPUS / PLAN_WITH_NATS, "--policy", REPO_ROOT / "README.md"], "README.md", marks=needs_corpus(PLAN_WITH_NATS)),
        (["verdict", "/nonexistent"], "no such directory"),
        (["check", "plan", CORPUS / PLAN_WITH_NATS, "--run-id", "../../x"], "run id '../../x' must be"),
        (["check", "synth", "/nonexistent/cdktf.out", "--run-id", "a/b"], "run id 'a/b' must be"),
        (["verdict", "/nonexistent", "--run-id", ".."], "run id '..' must be"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, phrase):
    code, stdout, stderr = in_process(*map(str, args), *(["--evidence-dir", str(tmp_path)] if args[0] == "check" else []))
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: ") and phrase in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*_snapshot.json")), "nothing is written for refused input"


TRUNCATED = ["tfcompliance__tests_functional_test_issue_796_plan.out.json", "checkov__tests_terraform_runner_resources_plan_with_deleted_resources_tfplan.json"]


def _corpus_bytes() -> list[bytes]:
    return [(CORPUS / name).read_bytes().rstrip() for name in TRUNCATED if ACTIVE.has(name)]


@needs_corpus(*TRUNCATED)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10), lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3)).map(lambda v: json.dumps(v).encode()),
        st.sampled_from(_corpus_bytes()).flatmap(lambda raw: st.integers(0, len(raw) - 1).map(lambda n: raw[:n])),
    )
)
def test_garbage_never_tracebacks_and_never_passes(tmp_path, data):
    """Random bytes, random JSON and truncated real plans are all refused with exit 2."""
    plan = tmp_path / "plan.json"
    plan.write_bytes(data)
    code, stdout, stderr = in_process("check", "plan", str(plan), "--evidence-dir", str(tmp_path / "ev"))
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stdout + stderr


SMALL_SYNTH = CORPUS / "shrimanwar92-cdktf-poc__examples_cdktf.out_stacks_cdktf-project_cdk.tf.json"


@pytest.mark.parametrize(
    ("subject", "justification", "days", "phrase"),
    [
        ("*", "Reviewed by the platform team.", 30, "the subject is only wildcards"),
        ("[*]", "Reviewed by the platform team.", 30, "the subject is only wildcards"),
        ("module.my-vpc", "            ", 30, "the justification is blank or too short"),
        ("module.my-vpc", "Reviewed by the platform team.", 400, "waivers_policy.max_days"),
    ],
    ids=["star", "bracket", "blank-justification", "past-the-horizon"],
)
def test_a_waiver_that_covers_everything_says_nothing_or_lasts_too_long_exits_2(tmp_path, subject, justification, days, phrase):
    expires = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)
    waiver = f'\n[[waivers]]\nrule = "forbidden-nat-gateway"\nsubject = "{subject}"\njustification = "{justification}"\nexpires = {expires}\n'
    policy = tmp_path / "policy.toml"
    policy.write_text((REPO_ROOT / "policy.toml").read_text() + waiver)
    code, stdout, stderr = in_process("check", "synth", str(SMALL_SYNTH), "--policy", str(policy), "--evidence-dir", str(tmp_path / "ev"))
    assert code == 2, stdout + stderr
    assert stderr.startswith(f"error: {policy}: waivers") and phrase in stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stdout + stderr
    assert not list(tmp_path.rglob("*_snapshot.json"))

@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        ("forbiden-nat-gateway", "waiver for 'forbiden-nat-gateway' on 'module.my-vpc': unknown code"),
        ("static-credentials", "static-credentials cannot be waived in the policy (--allow-static-credentials"),
        ("destroy-out-of-scope", "destroy-out-of-scope cannot be waived in the policy (it is a safety gate)"),
    ],
)
def test_a_waiver_for_an_unknown_or_unwaivable_code_exits_2_with_one_line(tmp_path, rule, phrase):
    expires = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)  # within the waiver horizon
    waiver = f'\n[[waivers]]\nrule = "{rule}"\nsubject = "module.my-vpc"\njustification = "Reviewed by the platform team."\nexpires = {expires}\n'
    policy = tmp_path / "policy.toml"
    policy.write_text((REPO_ROOT / "policy.toml").read_text() + waiver)
    synth = corpus_file(SMALL_SYNTH.name)  # the waiver below covers its NAT module
    args = ("check", "synth", str(synth), "--policy", str(policy), "--evidence-dir", str(tmp_path / "ev"))
    code, stdout, stderr = in_process(*args)
    assert code == 2, stdout + stderr
    assert stderr.startswith(f"error: {policy}: waivers.0: ") and phrase in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*_snapshot.json")), "nothing is written under a refused policy"
    # The same waiver for a waivable code is a valid policy: the check runs and the waiver covers.
    policy.write_text(policy.read_text().replace(f'rule = "{rule}"', 'rule = "forbidden-nat-gateway"'))
    code, stdout, stderr = in_process(*args)
    assert code in (0, 1), stdout + stderr
    snapshot = json.loads(next((tmp_path / "ev").rglob("synth_snapshot.json")).read_text())
    assert [w["covers"] for w in snapshot["waivers_applied"]] == [["module.my-vpc"]]


def test_a_run_id_from_the_environment_is_refused_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("STACKGUARD_RUN_ID", "../../outside")
    code, stdout, stderr = in_process("check", "plan", str(corpus_file(PLAN_WITH_NATS)), "--evidence-dir", str(tmp_path / "ev"))
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: run id '../../outside' must be") and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ev").exists() and not (tmp_path / "outside").exists()


# -- --max-input-mb -------------------------------------------------------------------------------


@pytest.fixture
def big_plan(tmp_path, monkeypatch):
    """A valid plan padded past 1 MiB (and no limit set in the environment, restored after)."""
    monkeypatch.setenv("STACKGUARD_MAX_INPUT_MB", "512")
    plan = tmp_path / "big.json"
    plan.write_bytes(corpus_file(PLAN_WITH_NATS).read_bytes() + b" " * (3 << 19))
    return plan


def test_max_input_mb_sets_the_limit_of_what_is_read(tmp_path, big_plan):
    evidence = str(tmp_path / "ev")
    code, stdout, stderr = in_process("--max-input-mb", "1", "check", "plan", str(big_plan), "--evidence-dir", evidence)
    assert code == 2, stdout + stderr
    assert "larger than the input limit" in stderr and "> 1 MiB" in stderr and len(stderr.strip().splitlines()) == 1
    code, stdout, stderr = in_process("--max-input-mb", "2", "check", "plan", str(big_plan), "--evidence-dir", evidence)
    assert code == 1, stdout + stderr  # read, and judged: its NAT gateways block


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", ""])
def test_a_max_input_mb_that_is_not_a_positive_whole_number_exits_2(tmp_path, big_plan, value):
    code, stdout, stderr = in_process("--max-input-mb", value, "check", "plan", str(big_plan), "--evidence-dir", str(tmp_path / "ev"))
    assert code == 2, stdout + stderr
    assert stderr.startswith("error: --max-input-mb") and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ev").exists()


def test_max_input_mb_is_documented_and_read_from_the_environment(tmp_path, big_plan, monkeypatch):
    code, stdout, _ = in_process("--help")
    assert code == 0 and "--max-input-mb" in stdout and "STACKGUARD_MAX_INPUT_MB" in stdout
    monkeypatch.setenv("STACKGUARD_MAX_INPUT_MB", "zero")
    code, stdout, stderr = in_process("check", "plan", str(big_plan), "--evidence-dir", str(tmp_path / "ev"))
    assert code == 2 and stderr.startswith("error: --max-input-mb ($STACKGUARD_MAX_INPUT_MB) must be a whole number")


def test_sarif_without_a_configuration_has_no_help_uri_and_stays_valid(tmp_path, monkeypatch):
    from jsonschema import Draft202012Validator, FormatChecker

    monkeypatch.setenv("STACKGUARD_CONFIG", str(tmp_path / "missing.toml"))
    code, stdout, _ = in_process(
        "check", "plan", str(corpus_file(PLAN_WITH_NATS)), "--format", "sarif", "--evidence-dir", str(tmp_path)
    )
    assert code == 1
    log = json.loads(stdout)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules and all("helpUri" not in rule for rule in rules)
    assert all("(docs/rules.md#code-" in rule["help"]["markdown"] for rule in rules)
    schema = json.loads((REPO_ROOT / "tests/report/sarif-schema-2.1.0.json").read_text())
    assert list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(log)) == []

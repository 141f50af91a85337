from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from guards.findings import Finding, Status
from stackguard.report import sarif

from .conftest import (
    BLOCKER_SUBJECTS,
    LONG_SUBJECT,
    MIXED_FINDINGS,
    PLAN_DOCUMENT,
    SYNTH_DOCUMENT,
    WAIVED_SUBJECTS,
    make_snapshot,
)

# The OASIS SARIF 2.1.0 schema, Schemata/sarif-schema-2.1.0.json of the sarif-spec repository.
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Format checking needs a URI validator installed (rfc3986-validator); without one jsonschema
# skips "uri" and "uri-reference" silently, so the test insists on it.
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def schema_errors(log: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)
    ]


def rendered(snapshot) -> dict:
    return json.loads(sarif.render(snapshot))


def results_by_subject(log: dict) -> dict[str, dict]:
    results = log["runs"][0]["results"]
    return {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in results}


def test_uri_formats_are_really_checked():
    assert not FormatChecker().conforms("a path with spaces.json", "uri-reference")


@pytest.mark.parametrize("fixture", ["mixed_snapshot", "passing_snapshot"])
def test_output_validates_against_the_official_schema(fixture, request):
    log = rendered(request.getfixturevalue(fixture))
    assert schema_errors(log) == []


def test_the_schema_check_is_not_vacuous(mixed_snapshot):
    log = rendered(mixed_snapshot)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    waived = next(r for r in broken["runs"][0]["results"] if "suppressions" in r)
    waived["suppressions"][0]["kind"] = "inPolicy"
    assert len(schema_errors(broken)) == 3


def test_log_header_and_driver(mixed_snapshot):
    log = rendered(mixed_snapshot)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "stackguard"
    assert driver["version"] == "0.1.0"
    assert "informationUri" not in driver
    with_uri = json.loads(sarif.render(mixed_snapshot, information_uri="https://example.org/sg"))
    assert with_uri["runs"][0]["tool"]["driver"]["informationUri"] == "https://example.org/sg"
    assert schema_errors(with_uri) == []


def test_exactly_one_rule_per_code_including_codes_that_only_passed(mixed_snapshot):
    rules = rendered(mixed_snapshot)["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted({f.code for f in MIXED_FINDINGS})
    assert len(ids) == len(set(ids)) == 5
    assert "backend-lock-missing" in ids  # PASS only
    assert all(rule["shortDescription"]["text"] for rule in rules)


def test_one_result_per_non_pass_finding_pointing_at_its_rule(mixed_snapshot):
    run = rendered(mixed_snapshot)["runs"][0]
    results = run["results"]
    assert len(results) == sum(f.status is not Status.PASS for f in MIXED_FINDINGS) == 5
    assert set(results_by_subject({"runs": [run]})) == BLOCKER_SUBJECTS | WAIVED_SUBJECTS
    rules = run["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_and_suppressions(mixed_snapshot):
    by_subject = results_by_subject(rendered(mixed_snapshot))
    for subject in BLOCKER_SUBJECTS:
        assert by_subject[subject]["level"] == "error"
        assert "suppressions" not in by_subject[subject]
    assert by_subject["aws_ecs_service.app"]["level"] == "note"
    assert by_subject["aws_ecs_service.app"]["suppressions"] == [
        {"kind": "external", "justification": "workshop week, torn down on Friday"}
    ]
    assert by_subject["module.batch.aws_instance.spot"]["suppressions"] == [
        {"kind": "external", "justification": "spot pool sized by the scheduler"}
    ]


def test_message_properties_and_logical_location(mixed_snapshot):
    by_subject = results_by_subject(rendered(mixed_snapshot))
    worker = by_subject["module.app.aws_instance.worker"]
    assert worker["message"]["text"] == (
        "[UNKNOWN] module.app.aws_instance.worker in stack demo: count is known only after apply"
    )
    assert worker["properties"] == {"stack": "demo", "status": "UNKNOWN"}
    assert worker["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "module.app.aws_instance.worker", "kind": "resource"}
    ]
    budget = by_subject["arn:aws:budgets::123456789012:budget/platform-dev-monthly"]
    assert "arn:aws:budgets::123456789012:budget/platform-dev-monthly" in budget["message"]["text"]
    assert budget["properties"] == {"stack": None, "status": "ERROR"}


def test_physical_location_is_the_document_then_the_first_input_then_the_policy(mixed_snapshot):
    def uri(result: dict) -> str:
        location = result["locations"][0]["physicalLocation"]
        assert location["region"] == {"startLine": 1}
        return location["artifactLocation"]["uri"]

    by_subject = results_by_subject(rendered(make_snapshot(MIXED_FINDINGS, lane="plan")))
    assert uri(by_subject[LONG_SUBJECT]) == SYNTH_DOCUMENT
    assert uri(by_subject["module.batch.aws_instance.spot"]) == PLAN_DOCUMENT
    # No document: the first input in sorted order, as the serialized snapshot lists them.
    assert uri(by_subject["module.app.aws_instance.worker"]) == SYNTH_DOCUMENT

    no_inputs = make_snapshot(MIXED_FINDINGS, input_digests={}, lane="plan")
    assert (
        uri(results_by_subject(rendered(no_inputs))["module.app.aws_instance.worker"])
        == "policy.toml"
    )


def test_a_synth_finding_without_a_construct_points_at_its_stack_source(mixed_snapshot):
    """Not at the generated, git-ignored cdk.tf.json: code scanning could not show it."""
    by_subject = results_by_subject(rendered(mixed_snapshot))
    for subject in (LONG_SUBJECT, "module.app.aws_instance.worker"):  # stack demo
        location = by_subject[subject]["locations"][0]["physicalLocation"]
        assert location == {"artifactLocation": {"uri": "stacks/demo.py"}, "region": {"startLine": 1}}
    unknown_stack = Finding(code="budget-missing", status=Status.FAIL, subject="x", stack="elsewhere", message="m")
    (result,) = rendered(make_snapshot([unknown_stack]))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SYNTH_DOCUMENT


def test_documents_become_valid_uri_references():
    findings = [
        Finding(
            code="forbidden-nat-gateway", status=Status.FAIL, subject="a", message="m", document="plans/my plan.json"
        ),
        Finding(
            code="forbidden-nat-gateway",
            status=Status.FAIL,
            subject="b",
            message="m",
            document="s3://state-bucket/demo/terraform.tfstate",
        ),
        Finding(
            code="forbidden-nat-gateway", status=Status.FAIL, subject="d", message="m", document="C:\\work\\plan.json"
        ),
    ]
    log = rendered(make_snapshot(findings))
    assert schema_errors(log) == []
    uris = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0][
            "physicalLocation"
        ]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {
        "a": "plans/my%20plan.json",
        "b": "s3://state-bucket/demo/terraform.tfstate",
        "d": "C%3A/work/plan.json",
    }


def test_fingerprints_follow_code_and_subject_across_runs(mixed_snapshot):
    first = results_by_subject(rendered(mixed_snapshot))
    later_findings = [
        f.model_copy(update={"message": f.message + " (reworded)"}) for f in MIXED_FINDINGS
    ]
    later = results_by_subject(rendered(make_snapshot(later_findings, run_id="run-43")))
    prints = {s: r["partialFingerprints"] for s, r in first.items()}
    assert prints == {s: r["partialFingerprints"] for s, r in later.items()}
    values = [next(iter(p.values())) for p in prints.values()]
    assert len(set(values)) == len(values)


def test_output_is_byte_stable(mixed_snapshot):
    assert sarif.render(mixed_snapshot) == sarif.render(
        make_snapshot(list(reversed(MIXED_FINDINGS)))
    )


def test_rules_carry_markdown_help_and_no_relative_help_uri(mixed_snapshot):
    rules = rendered(mixed_snapshot)["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["help"]["text"].startswith("Why: ")
        assert rule["help"]["markdown"].startswith("**Why:** ")
        assert f"(docs/rules.md#code-{rule['id']})" in rule["help"]["markdown"]
        assert "helpUri" not in rule  # the schema wants an absolute URI


def test_help_uri_points_at_the_code_anchor_on_github(mixed_snapshot):
    log = json.loads(sarif.render(mixed_snapshot, github_repository="example-org/dev-platform"))
    assert schema_errors(log) == []
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    uri = "https://github.com/example-org/dev-platform/blob/main/docs/rules.md#code-unknown-count"
    assert rules["unknown-count"]["helpUri"] == uri
    assert f"]({uri})" in rules["unknown-count"]["help"]["markdown"]


def test_every_help_uri_anchor_is_in_the_rendered_rules_doc(mixed_snapshot):
    from tests.conftest import REPO_ROOT

    rules_doc = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    log = json.loads(sarif.render(mixed_snapshot, github_repository="o/r"))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        anchor = rule["helpUri"].split("#", 1)[1]
        assert f'<a id="{anchor}"></a>`{rule["id"]}`' in rules_doc


def test_a_synth_finding_is_located_at_the_construct_in_the_stack_source(stacks, tmp_path):
    """The real synth, with the demo services security group renamed to one AWS refuses."""
    import datetime as dt

    from guards.documents import load_synth
    from guards.engine import evaluate
    from guards.policy import load_policy
    from tests.conftest import REPO_ROOT

    for name, document in stacks.items():
        if name == "demo":
            document = copy.deepcopy(document)
            document["resource"]["aws_security_group"]["services_sg"]["name"] = "sg-refused"
        path = tmp_path / "cdktf.out" / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(document))
    inventory = load_synth(tmp_path / "cdktf.out")
    documents = {Path(p).parent.name: p for p in inventory.input_digests}
    policy = load_policy(REPO_ROOT / "policy.toml")
    findings, _ = evaluate(inventory, policy, today=dt.date(2026, 11, 23), documents=documents)
    (renamed,) = [
        f for f in findings if f.code == "invalid-resource-name" and f.subject == "aws_security_group.services_sg"
    ]
    assert renamed.construct_path == "demo/services_sg"
    assert "construct_path" in renamed.model_dump()

    log = rendered(make_snapshot(findings))
    assert schema_errors(log) == []
    result = results_by_subject(log)["aws_security_group.services_sg"]
    (location,) = result["locations"]
    assert location["logicalLocations"][1] == {"fullyQualifiedName": "demo/services_sg", "kind": "object"}
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "stacks/demo.py"
    line = physical["region"]["startLine"]
    assert line > 1
    assert '"services_sg"' in (REPO_ROOT / "stacks/demo.py").read_text().splitlines()[line - 1]
    # every result on a construct is in the stack sources, not the generated cdk.tf.json
    on_constructs = [r for r in log["runs"][0]["results"] if len(r["locations"][0]["logicalLocations"]) == 2]
    assert on_constructs and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("stacks/")
        for r in on_constructs
    )


def test_findings_without_a_construct_keep_their_shape_and_location(mixed_snapshot):
    assert all("construct_path" not in f.model_dump() for f in mixed_snapshot.findings)
    assert '"construct_path"' not in mixed_snapshot.to_json()

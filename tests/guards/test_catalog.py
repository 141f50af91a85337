"""The catalog is the one place a code is defined; the registry, findings, waivers and the
documentation (docs/rules.md, docs/live.md) all answer to it."""

from __future__ import annotations

import importlib.util
import pickle

import pytest
from pydantic import ValidationError

from guards import catalog
from guards.catalog import CATALOG, ID_PATTERN, SEVERITIES, WHERE, Code
from guards.engine import all_codes
from guards.findings import Finding, Status, fail
from guards.registry import RULES, rule
from tests.conftest import REPO_ROOT

RULES_DOC = REPO_ROOT / "docs" / "rules.md"
LIVE_DOC = REPO_ROOT / "docs" / "live.md"
#: The safety gates: only their own visible flags (or nothing) let them through.
NOT_WAIVABLE = {
    "preserve-violation", "destroy-out-of-scope", "destroy-unexpected-action", "static-credentials",
    "state-locked", "deploy-order", "destroy-order",
    # the record of a failed apply: a waiver would let it pass a verdict
    "destroy-apply-failed", "deploy-apply-failed",
    # an unverified state move: the local copy may be the only record of core
    "state-migration-unverified",
    # spend at the stop or the cap, or unread: a waiver would let a deploy continue past it
    "budget-stop-reached", "cost-cap-exceeded", "cost-source-missing",
}


def render_catalog():
    spec = importlib.util.spec_from_file_location("render_catalog", REPO_ROOT / "scripts" / "render_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_families_are_exactly_these():
    assert sorted(RULES) == [
        "always-on-estimate", "always-on-instances", "always-on-services", "backend", "backend-readiness", "budget",
        "budget-stop-action", "ci-roles",
        "forbidden-resources", "lifecycle-tags", "module-calls", "provisioners", "resource-names",
        "spend", "state-digest", "state-locks",
    ]


def test_ids_are_unique_kebab_case_and_keyed_by_themselves():
    constants = {name: value for name, value in vars(catalog).items() if isinstance(value, Code)}
    assert sorted(constants.values()) == sorted(CATALOG) == all_codes()
    assert len(set(constants.values())) == len(constants)
    for name, code in constants.items():
        assert ID_PATTERN.match(code.id)
        assert CATALOG[code.id] is code
        assert name == code.id.upper().replace("-", "_"), "the constant is named after its id"


def test_every_entry_is_complete():
    for code in CATALOG.values():
        assert code.summary.strip() and "\n" not in code.summary, code
        assert code.why.strip() and code.remediation.strip(), code
        assert code.applies and code.applies <= set(WHERE), code
        assert code.severity in SEVERITIES, code
        assert all(":" in action for action in code.iam), code
        assert (code.waived_by is None) or not code.waivable, code


def test_live_codes_name_their_iam_actions_and_document_only_codes_none():
    read_live = {code.id for code in CATALOG.values() if code.iam}
    assert {c.id for c in CATALOG.values() if "live" in c.applies} - {"waiver-expired"} <= read_live
    assert not (
        {"preserve-violation", "destroy-out-of-scope", "destroy-unexpected-action", "static-credentials"}
        | {c.id for c in CATALOG.values() if c.applies <= {"synth", "plan"}}
    ) & read_live


def test_safety_gates_are_exactly_the_codes_that_cannot_be_waived():
    assert {c.id for c in CATALOG.values() if not c.waivable} == NOT_WAIVABLE
    assert catalog.STATIC_CREDENTIALS.waived_by == "--allow-static-credentials"


def test_a_code_is_its_id():
    code = catalog.FORBIDDEN_NAT_GATEWAY
    assert code == "forbidden-nat-gateway" and hash(code) == hash("forbidden-nat-gateway")
    assert f"{code}" == "forbidden-nat-gateway" and repr(code) == "'forbidden-nat-gateway'"
    assert pickle.loads(pickle.dumps(code)).summary == code.summary
    finding = fail(code, "aws_nat_gateway.x", "demo", "nat")
    assert finding.code == code and type(finding.code) is str
    assert finding.model_dump(mode="json")["code"] == "forbidden-nat-gateway"


def test_a_bad_entry_fails_at_definition():
    with pytest.raises(ValueError, match="not kebab-case.*applies is empty.*severity 'urgent'.*why is empty"):
        Code("Not_Kebab", summary="s", why=" ", applies=frozenset(), severity="urgent", remediation="r")  # type: ignore[arg-type]


def test_every_rule_declares_catalog_entries_only():
    for registered in RULES.values():
        assert registered.codes, registered.name
        for code in registered.codes:
            assert CATALOG.get(code) is code, (registered.name, code)


def test_a_rule_declaring_a_code_outside_the_catalog_is_refused():
    with pytest.raises(ValueError, match="not in the catalog: forbiden-nat-gateway"):
        rule("typo-rule", codes=("forbiden-nat-gateway",))(lambda inventory, policy: [])  # type: ignore[arg-type]
    assert "typo-rule" not in RULES


@pytest.mark.parametrize("code", ["forbiden-nat-gateway", "c", "cost-over-limit", ""])
def test_a_finding_with_a_code_outside_the_catalog_cannot_be_built(code):
    """Whatever emits a finding, its code is in the catalog: a typo fails loudly here."""
    with pytest.raises(ValidationError, match="not a code in guards.catalog"):
        Finding(code=code, status=Status.FAIL, subject="x", message="m")


def test_docs_code_table_is_the_rendered_catalog():
    """Run `scripts/render_catalog.py --write` after changing the catalog."""
    script = render_catalog()
    assert script.BLOCKS["codes"] == RULES_DOC
    assert script.current(RULES_DOC.read_text(encoding="utf-8"), "codes") == script.codes_table()


def test_docs_iam_list_is_the_union_of_the_live_codes_iam():
    script = render_catalog()
    assert script.BLOCKS["iam"] == LIVE_DOC
    block = script.current(LIVE_DOC.read_text(encoding="utf-8"), "iam")
    assert block == script.iam_list()
    listed = {action for line in block.strip("`\n").splitlines() for action in line.split(", ")}
    assert listed == set(catalog.live_iam())
    assert {"ce:GetCostAndUsage", "budgets:ViewBudget", "sts:GetCallerIdentity", "dynamodb:PutItem"} <= listed


def test_rewrite_replaces_only_the_blocks():
    script = render_catalog()
    stale = "intro\n<!-- codes:begin -->\nold\n<!-- codes:end -->\nmiddle\n<!-- iam:begin -->\nold\n<!-- iam:end -->\nend\n"
    fresh = script.rewrite(stale)
    assert fresh.startswith("intro\n<!-- codes:begin -->\n| code | applies | summary | waivable |")
    assert "\n<!-- codes:end -->\nmiddle\n<!-- iam:begin -->\n```\n" in fresh and fresh.endswith("```\n<!-- iam:end -->\nend\n")
    assert script.rewrite(fresh) == fresh


def test_rewrite_refuses_a_file_without_its_block():
    with pytest.raises(SystemExit, match="docs/live.md has no <!-- iam:begin -->"):
        render_catalog().rewrite("no markers here\n", ("iam",), "docs/live.md")


def test_docs_document_every_code():
    rules = RULES_DOC.read_text(encoding="utf-8")
    missing = [code for code in all_codes() if f"`{code}`" not in rules]
    assert missing == []

"""The deploy's spend gate: past the stop or the cap, or unread, nothing is planned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from guards.deploy.spend import spend_gate
from guards.findings import Status, error
from guards.inventory import Inventory
from guards.live_facts import LiveFacts, Spend
from tests.guards.rules.test_spend import END, START, policy

SPEND_READ = frozenset({"budget", "cost"})


def facts(*records: tuple[str, str], sections=SPEND_READ, errors=()) -> Inventory:
    spend = [Spend(source=s, amount_usd=Decimal(a), start=START, end=END, data_as_of=dt.datetime(2026, 2, 14, tzinfo=dt.UTC)) for s, a in records]
    return Inventory(live=LiveFacts(spend=spend, sections_read=frozenset(sections), errors=list(errors)))


def blocking(findings) -> set[tuple[str, str]]:
    return {(f.code, f.subject) for f in findings if f.blocks}


def test_below_the_stop_passes():
    assert blocking(spend_gate(facts(("budget", "4.20"), ("aws", "4.20")), policy())) == set()


def test_the_budget_at_the_stop_blocks():
    assert blocking(spend_gate(facts(("budget", "28"), ("aws", "4")), policy())) == {("budget-stop-reached", "spend:budget")}


def test_the_sum_past_the_cap_blocks_even_when_the_budget_lags():
    assert ("cost-cap-exceeded", "spend:combined") in blocking(spend_gate(facts(("budget", "4"), ("aws", "31")), policy()))


def test_no_budget_figure_blocks():
    found = blocking(spend_gate(facts(("aws", "4")), policy()))
    assert found == {("budget-stop-reached", "spend:budget")}


def test_cores_first_deploy_needs_no_budget_yet_but_its_cost_sources():
    assert blocking(spend_gate(facts(("aws", "4")), policy(), budget_required=False)) == set()
    assert blocking(spend_gate(facts(), policy(), budget_required=False)) == {("cost-source-missing", "spend:aws")}


def test_a_scoped_source_not_read_blocks():
    found = blocking(spend_gate(facts(("budget", "4"), ("aws", "4")), policy("aws", "confluent")))
    assert found == {("cost-source-missing", "spend:confluent")}


def test_read_errors_of_spend_block_and_others_do_not():
    errors = [
        error("cost-query-failed", "ce:GetCostAndUsage@us-east-1", None, "AccessDenied"),
        error("budget-subscriber-missing", "budgets:DescribeSubscribersForNotification", "core", "throttled"),
    ]
    found = blocking(spend_gate(facts(("budget", "4"), ("aws", "4"), errors=errors), policy()))
    assert found == {("cost-query-failed", "ce:GetCostAndUsage@us-east-1")}


def test_spend_not_read_at_all_blocks():
    for inventory in (Inventory(), facts(("budget", "1"), ("aws", "1"), sections={"budget"})):
        [finding] = spend_gate(inventory, policy())
        assert finding.status is Status.ERROR and finding.code == "budget-stop-reached"

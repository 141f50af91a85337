"""The spend rule over hand-built live facts: the emergency stop, the cap, the scope."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from guards.engine import all_codes, evaluate
from guards.findings import Status
from guards.inventory import Inventory
from guards.live.spend_details import spend_details
from guards.live_facts import LiveFacts, Spend
from guards.policy import parse_policy
from guards.rules.spend import spend

AS_OF = dt.datetime(2026, 2, 14, 9, 30, tzinfo=dt.UTC)
START, END = dt.date(2026, 2, 1), dt.date(2026, 2, 14)


def policy(*scope: str):
    return parse_policy(
        {
            "budget": {
                "name": "sg-devmin-monthly",
                "limit_usd": 30,
                "thresholds_usd": [10, 20, 28],
                "stop_threshold_usd": 28,
            },
            "cost": {"scope": list(scope or ["aws"])},
        }
    )


def record(
    source: str, amount: str, *, as_of: dt.datetime | None = AS_OF, start=START, end=END
) -> Spend:
    return Spend(source=source, amount_usd=Decimal(amount), start=start, end=end, data_as_of=as_of)


def run(*records: Spend, scope=("aws",)):
    return spend(Inventory(live=LiveFacts(spend=list(records))), policy(*scope))


def outcomes(findings) -> set[tuple[str, str, Status]]:
    return {(f.code, f.subject, f.status) for f in findings if f.status is not Status.PASS}


def test_synth_and_plan_have_no_spend():
    assert spend(Inventory(), policy()) == []


def test_all_below_passes_every_code():
    findings = run(record("budget", "12"), record("aws", "12"))
    assert outcomes(findings) == set()
    assert {f.code for f in findings} == {
        "budget-stop-reached",
        "cost-cap-exceeded",
        "cost-source-missing",
    }


@pytest.mark.parametrize(
    ("amount", "stops"), [("27.99", False), ("28", True), ("28.00", True), ("40", True)]
)
def test_budget_actual_spend_at_the_stop(amount, stops):
    findings = run(record("budget", amount), record("aws", "0"))
    assert (("budget-stop-reached", "spend:budget", Status.FAIL) in outcomes(findings)) is stops


def test_the_stop_message_gives_amount_window_and_data_as_of():
    [stop] = [
        f for f in run(record("budget", "28.50"), record("aws", "1")) if f.status is Status.FAIL
    ]
    assert stop.stack == "core"
    assert "28.50 USD" in stop.message
    assert "[2026-02-01, 2026-02-14)" in stop.message
    assert "data as of 2026-02-14T09:30:00Z" in stop.message


@pytest.mark.parametrize(
    ("aws", "confluent", "expected"),
    [
        ("20", "7.99", set()),
        ("20", "8", {("budget-stop-reached", "spend:combined", Status.FAIL)}),
        (
            "20",
            "10",
            {("budget-stop-reached", "spend:combined", Status.FAIL)},
        ),  # exactly the cap is not over it
        (
            "20",
            "10.01",
            {
                ("budget-stop-reached", "spend:combined", Status.FAIL),
                ("cost-cap-exceeded", "spend:combined", Status.FAIL),
            },
        ),
    ],
)
def test_combined_spend_against_stop_and_cap(aws, confluent, expected):
    findings = run(record("aws", aws), record("confluent", confluent), scope=("aws", "confluent"))
    assert outcomes(findings) == expected


def test_a_source_outside_the_scope_is_not_added():
    assert outcomes(run(record("aws", "20"), record("confluent", "50"), scope=("aws",))) == set()


def test_the_budget_figure_is_not_part_of_the_combined_sum():
    assert outcomes(run(record("budget", "20"), record("aws", "20"))) == set()


def test_a_required_source_without_a_figure_blocks_and_passes_nothing():
    findings = run(record("budget", "5"), record("aws", "5"), scope=("aws", "confluent"))
    assert outcomes(findings) == {("cost-source-missing", "spend:confluent", Status.ERROR)}
    assert [
        f.code for f in findings if f.status is Status.PASS
    ] == []  # an incomplete sum proves nothing


def test_a_partial_sum_already_over_the_cap_is_still_reported():
    findings = run(record("aws", "31"), scope=("aws", "confluent"))
    assert outcomes(findings) == {
        ("budget-stop-reached", "spend:combined", Status.FAIL),
        ("cost-cap-exceeded", "spend:combined", Status.FAIL),
        ("cost-source-missing", "spend:confluent", Status.ERROR),
    }


def test_no_spend_read_at_all_is_missing_aws():
    assert outcomes(run()) == {("cost-source-missing", "spend:aws", Status.ERROR)}


def test_an_empty_first_of_month_window_counts_as_read():
    first = dt.date(2026, 3, 1)
    findings = run(
        record("aws", "0", start=first, end=first),
        record("confluent", "0", start=first, end=first),
        scope=("aws", "confluent"),
    )
    assert outcomes(findings) == set()


def test_combined_data_as_of_is_the_stalest_part():
    late = AS_OF - dt.timedelta(hours=72)
    [stop] = [
        f
        for f in run(
            record("aws", "20"), record("confluent", "9", as_of=late), scope=("aws", "confluent")
        )
        if f.code == "budget-stop-reached" and f.status is Status.FAIL
    ]
    assert "29 USD" in stop.message and "data as of 2026-02-11T09:30:00Z" in stop.message


def test_codes_are_registered_and_collector_codes_are_known():
    assert {
        "budget-stop-reached",
        "cost-cap-exceeded",
        "cost-source-missing",
        "cost-query-failed",
    } <= set(all_codes())


def test_the_engine_runs_the_rule_on_a_live_inventory():
    inventory = Inventory(live=LiveFacts(spend=[record("aws", "29")]))
    findings, _ = evaluate(inventory, policy(), today=dt.date(2026, 2, 14))
    assert ("budget-stop-reached", "spend:combined", Status.FAIL) in outcomes(findings)


def test_spend_details_record_amount_window_and_data_as_of():
    late = AS_OF - dt.timedelta(hours=72)
    first = dt.date(2026, 3, 1)
    details = spend_details(
        [
            record("confluent", "1.10", as_of=late),
            record("aws", "0", start=first, end=first),
            record("budget", "12.5", as_of=None),
        ]
    )
    assert json.loads(json.dumps(details)) == details
    assert details == {
        "spend": [
            {
                "source": "aws",
                "amount_usd": "0",
                "window": {"start": "2026-03-01", "end": "2026-03-01", "end_exclusive": True},
                "empty_window": True,
                "data_as_of": "2026-02-14T09:30:00Z",
            },
            {
                "source": "budget",
                "amount_usd": "12.5",
                "window": {"start": "2026-02-01", "end": "2026-02-14", "end_exclusive": True},
                "empty_window": False,
                "data_as_of": None,
            },
            {
                "source": "confluent",
                "amount_usd": "1.10",
                "window": {"start": "2026-02-01", "end": "2026-02-14", "end_exclusive": True},
                "empty_window": False,
                "data_as_of": "2026-02-11T09:30:00Z",
            },
        ]
    }


def test_the_default_scope_is_aws_and_confluent():
    """Without a `[cost] scope`, both sources must be read: narrowing is written down."""
    default = parse_policy({"budget": {"name": "b", "limit_usd": 30, "thresholds_usd": [28], "stop_threshold_usd": 28}})
    assert default.cost.scope == ["aws", "confluent"]
    findings = spend(Inventory(live=LiveFacts(spend=[record("aws", "5")])), default)
    assert outcomes(findings) == {("cost-source-missing", "spend:confluent", Status.ERROR)}


def test_a_missing_source_the_collector_explained_is_reported_once():
    """Unset Confluent credentials: the collector's finding (which says how to fix it) stands
    for the source; the engine shows exactly one `cost-source-missing`."""
    from guards.live.confluent import collect_confluent_cost

    _, errors = collect_confluent_cost(today=END, environ={})
    inventory = Inventory(live=LiveFacts(spend=[record("aws", "5")], errors=errors))
    findings, _ = evaluate(inventory, policy("aws", "confluent"), today=END)
    missing = [f for f in findings if f.code == "cost-source-missing" and f.status is Status.ERROR]
    assert [(f.subject, "CONFLUENT_CLOUD_API_KEY" in f.message) for f in missing] == [("spend:confluent", True)]

"""AWS month-to-date spend from Cost Explorer `GetCostAndUsage`.

The window is month-to-date with `End` exclusive, so today (not yet complete) is left
out. On the first day of a month that window is empty, and Cost Explorer refuses
`Start == End` with ValidationException: the empty window is recorded as a zero spend
without calling the API. Any other refused or malformed answer is `cost-query-failed`,
never a zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from foundation.aws import ClientFactory
from foundation.clock import utc_now
from foundation.money import finite_amount
from foundation.paging import EndlessPagination, follow_cursor
from guards import catalog
from guards.findings import Finding, error
from guards.live.errors import API_FAILURES, api_error
from guards.live_facts import Spend

#: Cost Explorer has one endpoint, in us-east-1, whatever region the resources are in.
CE_REGION = "us-east-1"
METHOD = "ce:GetCostAndUsage"
METRIC = "UnblendedCost"


class MalformedAnswer(ValueError):
    """The API answered, but not in the shape its contract promises."""


def month_to_date_window(today: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first of the month, today) with the end exclusive; None on the first of the month,
    when month-to-date is empty and no API would accept the window."""
    start = today.replace(day=1)
    return None if start == today else (start, today)


def empty_window_spend(
    source: Literal["aws", "confluent"], today: dt.date, now: dt.datetime
) -> Spend:
    """Zero spend over the empty window [today, today): true, and read from no API."""
    return Spend(source=source, amount_usd=Decimal(0), start=today, end=today, data_as_of=now)



def cost_and_usage_request(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The exact request: dates as YYYY-MM-DD, End exclusive, one monthly total."""
    return {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
        "Granularity": "MONTHLY",
        "Metrics": [METRIC],
    }


def sum_unblended_usd(pages: list[dict[str, Any]]) -> Decimal:
    """Add up every period's total; refuse anything that is not a USD amount."""
    periods = [period for page in pages for period in page.get("ResultsByTime") or []]
    if not periods:
        raise MalformedAnswer("no ResultsByTime for a non-empty window")
    total = Decimal(0)
    for period in periods:
        try:
            metric = period["Total"][METRIC]
            unit, amount = metric["Unit"], finite_amount(metric["Amount"])
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise MalformedAnswer(
                f"a period without a readable Total.{METRIC} ({type(exc).__name__})"
            ) from None
        if unit != "USD":
            raise MalformedAnswer(f"{METRIC} is in {unit!r}, not USD")
        total += amount
    return total


def collect_aws_cost(
    clients: ClientFactory, *, today: dt.date, now: dt.datetime | None = None
) -> tuple[list[Spend], list[Finding]]:
    """AWS month-to-date as one Spend, or a `cost-query-failed` ERROR and no Spend."""
    now = now or utc_now()
    window = month_to_date_window(today)
    if window is None:
        return [empty_window_spend("aws", today, now)], []
    start, end = window
    request = cost_and_usage_request(start, end)
    try:
        client = clients("ce", CE_REGION)

        def fetch(token: str | None) -> tuple[dict[str, Any], str | None]:
            page = client.get_cost_and_usage(**request, **({"NextPageToken": token} if token else {}))
            return page, page.get("NextPageToken")

        try:
            pages = list(follow_cursor(None, fetch))
        except EndlessPagination as exc:
            raise MalformedAnswer(str(exc)) from None
        amount = sum_unblended_usd(pages)
    except API_FAILURES as exc:
        return [], [api_error(catalog.COST_QUERY_FAILED, METHOD, CE_REGION, exc)]
    except MalformedAnswer as exc:
        where = f"{METHOD}@{CE_REGION}"
        return [], [
            error(
                catalog.COST_QUERY_FAILED,
                where,
                None,
                f"{METHOD} for [{start}, {end}) answered malformed: {exc} (fail-closed)",
            )
        ]
    return [Spend(source="aws", amount_usd=amount, start=start, end=end, data_as_of=now)], []

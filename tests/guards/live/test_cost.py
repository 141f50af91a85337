"""AWS month-to-date from Cost Explorer (moto over HTTP): the exact window, the sum, and
every way a query can fail becoming `cost-query-failed`, never a zero."""

from __future__ import annotations

import datetime as dt
import json
import socket
import urllib.request
from decimal import Decimal

import pytest
from botocore.config import Config

from foundation.aws import client_factory
from guards.findings import Status
from guards.live.cost import collect_aws_cost, month_to_date_window

NOW = dt.datetime(2026, 2, 14, 9, 30, tzinfo=dt.UTC)


def seed(moto_endpoint: str, *answers: dict) -> None:
    """Queue GetCostAndUsage answers in moto; each new request body takes the next one."""
    body = json.dumps({"results": list(answers)}).encode()
    request = urllib.request.Request(
        f"{moto_endpoint}/moto-api/static/ce/cost-and-usage-results",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def answer(
    start: str, end: str, *amounts: str, unit: str = "USD", next_token: str | None = None
) -> dict:
    result = {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": start, "End": end},
                "Total": {"UnblendedCost": {"Amount": a, "Unit": unit}},
                "Groups": [],
                "Estimated": True,
            }
            for a in amounts
        ],
        "DimensionValueAttributes": [],
    }
    return result | ({"NextPageToken": next_token} if next_token else {})


class Recorder:
    """A client factory that records every GetCostAndUsage request as sent on the wire."""

    def __init__(self, session, config: Config | None = None, endpoint_url: str | None = None):
        self.requests: list[dict] = []
        self.regions: list[str] = []
        self._session, self._config, self._endpoint = session, config, endpoint_url

    def __call__(self, service: str, region: str):
        self.regions.append(region)
        if self._config or self._endpoint:
            client = self._session.client(
                service, region_name=region, config=self._config, endpoint_url=self._endpoint
            )
        else:
            client = client_factory(self._session)(service, region)
        client.meta.events.register("before-call.ce.GetCostAndUsage", self._record)
        return client

    def _record(self, params, **_):
        self.requests.append(json.loads(params["body"]))


@pytest.mark.parametrize(
    ("today", "window"),
    [
        (dt.date(2026, 3, 1), None),  # first of the month: empty, Start == End is refused
        (
            dt.date(2026, 2, 28),
            (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ),  # last day: End exclusive
        (dt.date(2024, 2, 29), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        (dt.date(2026, 12, 31), (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        (dt.date(2026, 1, 2), (dt.date(2026, 1, 1), dt.date(2026, 1, 2))),
    ],
)
def test_month_to_date_window(today, window):
    assert month_to_date_window(today) == window


def test_mid_month_sends_the_exact_window_and_sums_the_answer(aws, moto_endpoint):
    seed(moto_endpoint, answer("2026-02-01", "2026-02-14", "12.3456"))
    recorder = Recorder(aws)
    spend, findings = collect_aws_cost(recorder, today=dt.date(2026, 2, 14), now=NOW)
    assert findings == []
    assert recorder.regions == ["us-east-1"]
    assert recorder.requests == [
        {
            "TimePeriod": {"Start": "2026-02-01", "End": "2026-02-14"},
            "Granularity": "MONTHLY",
            "Metrics": ["UnblendedCost"],
        }
    ]
    [aws_spend] = spend
    assert (aws_spend.source, aws_spend.amount_usd) == ("aws", Decimal("12.3456"))
    assert (aws_spend.start, aws_spend.end, aws_spend.data_as_of) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 14),
        NOW,
    )


def test_last_day_of_the_month_leaves_out_only_today(aws, moto_endpoint):
    seed(moto_endpoint, answer("2026-02-01", "2026-02-28", "20"))
    recorder = Recorder(aws)
    spend, findings = collect_aws_cost(recorder, today=dt.date(2026, 2, 28), now=NOW)
    assert findings == []
    assert recorder.requests[0]["TimePeriod"] == {"Start": "2026-02-01", "End": "2026-02-28"}
    assert (spend[0].start, spend[0].end, spend[0].amount_usd) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
        Decimal(20),
    )


def test_first_of_the_month_is_an_empty_window_and_no_call(aws):
    recorder = Recorder(aws)
    spend, findings = collect_aws_cost(recorder, today=dt.date(2026, 3, 1), now=NOW)
    assert findings == []
    assert recorder.requests == []
    [empty] = spend
    assert (empty.source, empty.amount_usd, empty.start, empty.end) == (
        "aws",
        Decimal(0),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
    )
    assert empty.data_as_of == NOW


def test_pages_are_followed_and_added_exactly(aws, moto_endpoint):
    seed(
        moto_endpoint,
        answer("2026-02-01", "2026-02-14", "0.1", next_token="page-2"),
        answer("2026-02-01", "2026-02-14", "0.2"),
    )
    recorder = Recorder(aws)
    spend, findings = collect_aws_cost(recorder, today=dt.date(2026, 2, 14), now=NOW)
    assert findings == []
    assert [r.get("NextPageToken") for r in recorder.requests] == [None, "page-2"]
    assert spend[0].amount_usd == Decimal("0.3")


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ((answer("2026-02-01", "2026-02-14", "5", unit="EUR"),), "not USD"),
        ((), "no ResultsByTime"),  # moto's answer when nothing is queued: an empty result
        (
            (
                {
                    "ResultsByTime": [
                        {"TimePeriod": {"Start": "2026-02-01", "End": "2026-02-14"}, "Total": {}}
                    ]
                },
            ),
            "Total.UnblendedCost",
        ),
        ((answer("2026-02-01", "2026-02-14", "lots"),), "Total.UnblendedCost"),
        # a NaN compares false with every threshold: the stop would never fire
        ((answer("2026-02-01", "2026-02-14", "NaN"),), "Total.UnblendedCost"),
        ((answer("2026-02-01", "2026-02-14", "Infinity"),), "Total.UnblendedCost"),
        ((answer("2026-02-01", "2026-02-14", "-Infinity"),), "Total.UnblendedCost"),
    ],
)
def test_a_malformed_answer_is_cost_query_failed_not_zero(aws, moto_endpoint, answers, reason):
    if answers:
        seed(moto_endpoint, *answers)
    spend, findings = collect_aws_cost(Recorder(aws), today=dt.date(2026, 2, 14), now=NOW)
    assert spend == []
    [finding] = findings
    assert (finding.code, finding.status, finding.subject) == (
        "cost-query-failed",
        Status.ERROR,
        "ce:GetCostAndUsage@us-east-1",
    )
    assert reason in finding.message and "[2026-02-01, 2026-02-14)" in finding.message


def test_an_unreachable_endpoint_is_cost_query_failed(aws):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    recorder = Recorder(
        aws, config=Config(retries={"max_attempts": 1}, connect_timeout=2), endpoint_url=closed
    )
    spend, findings = collect_aws_cost(recorder, today=dt.date(2026, 2, 14), now=NOW)
    assert spend == []
    [finding] = findings
    assert (finding.code, finding.status) == ("cost-query-failed", Status.ERROR)
    assert finding.message.startswith("ce:GetCostAndUsage failed with EndpointConnectionError")


def test_a_token_that_comes_back_is_an_error_not_a_loop(aws, moto_endpoint):
    seed(
        moto_endpoint,
        answer("2026-02-01", "2026-02-14", "1", next_token="again"),
        answer("2026-02-01", "2026-02-14", "1", next_token="again"),
    )
    spend, findings = collect_aws_cost(Recorder(aws), today=dt.date(2026, 2, 14), now=NOW)
    assert spend == []
    assert [(f.code, f.status) for f in findings] == [("cost-query-failed", Status.ERROR)]
    assert "pagination does not end" in findings[0].message

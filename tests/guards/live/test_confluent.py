"""Confluent billing over real HTTP from a local server: Basic auth, pagination, the exact
window, and every failure a `cost-query-failed` that never shows the secret."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
from werkzeug import Request, Response

from guards.findings import Finding, Status
from guards.live.confluent import DATA_LAG, collect_confluent_cost

KEY, SECRET = "CKEY4TESTS", "s3cr3t-do-not-print-9f8e7d"
CREDENTIALS = {"CONFLUENT_CLOUD_API_KEY": KEY, "CONFLUENT_CLOUD_API_SECRET": SECRET}
NOW = dt.datetime(2026, 2, 14, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 2, 14)
PATH = "/billing/v1/costs"


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)  # loopback, a free port


@pytest.fixture
def base_url(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def line(amount=None, **fields) -> dict:
    item = {
        "id": "c-1",
        "start_date": "2026-02-01",
        "end_date": "2026-02-02",
        "unit": "GB",
        "original_amount": 0,
    }
    return item | ({"amount": amount} if amount is not None else {}) | fields


def billing_api(pages: dict[str | None, dict]):
    """A handler that checks Basic auth, then serves the page named by `page_token`."""

    def handle(request: Request) -> Response:
        auth = request.authorization
        if auth is None or (auth.type, auth.username, auth.password) != ("basic", KEY, SECRET):
            return Response(
                json.dumps({"errors": [{"status": "401", "title": "Unauthorized"}]}), status=401
            )
        page = pages[request.args.get("page_token")]
        return Response(json.dumps(page), content_type="application/json")

    return handle


def assert_secret_kept(findings: list[Finding]) -> None:
    for finding in findings:
        assert SECRET not in finding.model_dump_json()


def the_error(findings: list[Finding], base_url: str) -> Finding:
    assert_secret_kept(findings)
    [finding] = findings
    assert (finding.code, finding.status, finding.subject) == (
        "cost-query-failed",
        Status.ERROR,
        f"{base_url}{PATH}",
    )
    assert finding.message.startswith(f"GET {base_url}{PATH}")
    return finding


def test_two_pages_are_summed_over_the_exact_window(httpserver, base_url):
    pages = {
        None: {
            "api_version": "billing/v1",
            "kind": "CostList",
            "metadata": {"next": f"{base_url}{PATH}?page_token=p2"},
            "data": [line(1.10), line(2.20)],
        },
        "p2": {
            "api_version": "billing/v1",
            "kind": "CostList",
            "metadata": {"next": None},
            "data": [line(original_amount=10.5, discount_amount=0.5), line(0)],
        },
    }
    httpserver.expect_request(PATH).respond_with_handler(billing_api(pages))
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert findings == []
    [confluent] = spend
    assert (confluent.source, confluent.amount_usd) == ("confluent", Decimal("13.30"))
    assert (confluent.start, confluent.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 14))
    assert confluent.data_as_of == NOW - DATA_LAG == dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
    first, second = (request for request, _ in httpserver.log)
    assert dict(first.args) == {"start_date": "2026-02-01", "end_date": "2026-02-14"}
    assert dict(second.args) == {"page_token": "p2"}


def test_last_day_of_the_month_leaves_out_only_today(httpserver, base_url):
    pages = {None: {"metadata": {}, "data": [line(4)]}}
    httpserver.expect_request(PATH).respond_with_handler(billing_api(pages))
    spend, findings = collect_confluent_cost(
        today=dt.date(2026, 2, 28), base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert findings == []
    [(request, _)] = httpserver.log
    assert dict(request.args) == {"start_date": "2026-02-01", "end_date": "2026-02-28"}
    assert (spend[0].start, spend[0].end, spend[0].amount_usd) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
        Decimal(4),
    )


def test_first_of_the_month_is_an_empty_window_and_no_request(httpserver, base_url):
    spend, findings = collect_confluent_cost(
        today=dt.date(2026, 3, 1), base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert findings == [] and httpserver.log == []
    [empty] = spend
    assert (empty.amount_usd, empty.start, empty.end) == (
        Decimal(0),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
    )


def test_wrong_credentials_are_refused_with_401(httpserver, base_url):
    httpserver.expect_request(PATH).respond_with_handler(billing_api({None: {"data": []}}))
    wrong = CREDENTIALS | {"CONFLUENT_CLOUD_API_SECRET": SECRET + "-stale"}
    spend, findings = collect_confluent_cost(today=TODAY, base_url=base_url, environ=wrong, now=NOW)
    assert spend == []
    assert "answered HTTP 401" in the_error(findings, base_url).message
    assert all(SECRET + "-stale" not in f.model_dump_json() for f in findings)


def test_malformed_json_is_an_error_not_zero(httpserver, base_url):
    httpserver.expect_request(PATH).respond_with_data("{'data': [", content_type="application/json")
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert spend == []
    assert "not JSON" in the_error(findings, base_url).message


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ({"metadata": {}}, "no `data` list"),
        ({"data": [{"id": "c-1", "unit": "GB"}]}, "without a readable amount"),
        ({"data": [line("12,50")]}, "without a readable amount"),
        ({"data": [line(True)]}, "without a readable amount"),
        ({"data": [line("NaN")]}, "without a readable amount"),
        ({"data": [line("Infinity")]}, "without a readable amount"),
        ({"data": [line("-inf")]}, "without a readable amount"),
        ({"data": [], "metadata": {"next": 42}}, "not a link"),
    ],
)
def test_a_page_off_contract_is_an_error(httpserver, base_url, page, reason):
    httpserver.expect_request(PATH).respond_with_json(page)
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert spend == []
    assert reason in the_error(findings, base_url).message


@pytest.mark.parametrize(
    "environ",
    [{}, {"CONFLUENT_CLOUD_API_KEY": KEY}, {"CONFLUENT_CLOUD_API_SECRET": SECRET}],
    ids=["none", "key-only", "secret-only"],
)
def test_missing_credentials_send_nothing(httpserver, base_url, environ):
    """No query was sent, so none failed: the source is missing, and the message says both
    ways out (the credentials, or a visibly narrowed scope)."""
    for today in (TODAY, dt.date(2026, 3, 1)):  # the first of a month is no excuse
        spend, findings = collect_confluent_cost(
            today=today, base_url=base_url, environ=environ, now=NOW
        )
        assert spend == []
        [finding] = findings
        assert (finding.code, finding.status, finding.subject) == (
            "cost-source-missing", Status.ERROR, "spend:confluent"
        )
        assert "not set" in finding.message and 'scope` to ["aws"] in policy.toml' in finding.message
        for name in ("CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET"):
            assert (name in finding.message) == (name not in environ)
    assert httpserver.log == []


def test_credentials_are_read_from_the_environment(httpserver, base_url, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    httpserver.expect_request(PATH).respond_with_handler(billing_api({None: {"data": [line(7)]}}))
    spend, findings = collect_confluent_cost(today=TODAY, base_url=base_url, now=NOW)
    assert findings == [] and spend[0].amount_usd == Decimal(7)


def test_a_next_link_to_another_host_is_not_followed(httpserver, base_url):
    """Credentials go only to the configured API, whatever a `next` link says."""
    page = {
        "data": [line(1)],
        "metadata": {"next": "http://127.0.0.2:9/billing/v1/costs?page_token=x"},
    }
    httpserver.expect_request(PATH).respond_with_handler(billing_api({None: page}))
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert spend == [] and len(httpserver.log) == 1
    assert "away from the configured API" in the_error(findings, base_url).message


def test_a_next_link_that_loops_is_an_error(httpserver, base_url):
    page = {"data": [line(1)], "metadata": {"next": f"{base_url}{PATH}?page_token=again"}}
    httpserver.expect_request(PATH).respond_with_handler(billing_api({None: page, "again": page}))
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert spend == []
    assert "pagination does not end" in the_error(findings, base_url).message


def test_a_timeout_is_an_error(httpserver, base_url):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(PATH).respond_with_handler(slow)
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW, timeout=0.2
    )
    assert spend == []
    assert "TimeoutError" in the_error(findings, base_url).message


def test_server_errors_are_errors(httpserver, base_url):
    httpserver.expect_request(PATH).respond_with_data("upstream down", status=503)
    spend, findings = collect_confluent_cost(
        today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW
    )
    assert spend == []
    assert "answered HTTP 503" in the_error(findings, base_url).message


def test_a_redirect_to_another_origin_never_receives_the_credentials(httpserver, base_url):
    from pytest_httpserver import HTTPServer

    elsewhere = HTTPServer(host="127.0.0.1", port=0)
    elsewhere.expect_request(PATH).respond_with_json({"data": [line(1)]})
    elsewhere.start()
    try:
        target = elsewhere.url_for(PATH)
        httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": target})
        spend, findings = collect_confluent_cost(today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW)
        assert spend == []
        assert "redirecting to another origin" in the_error(findings, base_url).message
        assert elsewhere.log == []  # the other origin was never asked, so never saw the secret
    finally:
        elsewhere.clear()
        elsewhere.stop()


def test_a_redirect_within_the_api_is_followed_with_the_credentials(httpserver, base_url):
    httpserver.expect_request("/moved").respond_with_handler(billing_api({None: {"data": [line(2)]}}))
    httpserver.expect_request(PATH).respond_with_data("", status=302, headers={"Location": f"{base_url}/moved"})
    spend, findings = collect_confluent_cost(today=TODAY, base_url=base_url, environ=CREDENTIALS, now=NOW)
    assert findings == []
    assert spend[0].amount_usd == Decimal(2)

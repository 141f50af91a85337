"""Confluent Cloud month-to-date spend from its billing API (`GET /billing/v1/costs`).

Plain `urllib`, so the runtime needs no HTTP library. Authentication is HTTP Basic with a
Cloud API key and secret from the environment. The secret goes into one request header
and nowhere else: no message, exception text or evidence ever carries it.

Confluent's cost data can be up to 72 hours late, so a figure read now describes the
account as of 72 hours ago: that is the `data_as_of` recorded with it.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from foundation.clock import utc_now
from foundation.money import finite_amount
from foundation.paging import EndlessPagination, follow_cursor
from guards import catalog
from guards.findings import Finding, error
from guards.live.cost import MalformedAnswer, empty_window_spend, month_to_date_window
from guards.live_facts import Spend

DEFAULT_BASE_URL = "https://api.confluent.cloud"
COSTS_PATH = "/billing/v1/costs"
KEY_VARIABLE = "CONFLUENT_CLOUD_API_KEY"
SECRET_VARIABLE = "CONFLUENT_CLOUD_API_SECRET"
#: How late Confluent's billing data may be.
DATA_LAG = dt.timedelta(hours=72)
#: A paginated answer longer than this is taken as a server that loops.
MAX_PAGES = 1000


#: The subject the spend rule gives a missing Confluent figure: one finding, whoever finds it.
SOURCE_SUBJECT = "spend:confluent"


def missing_credentials(missing: list[str]) -> str:
    """Why no Confluent figure was read, and the two visible ways out."""
    return (
        f"no confluent spend was read: {' and '.join(missing)} not set, and cost.scope requires it "
        "(fail-closed); export a Cloud API key with billing access, or narrow `[cost] scope` to "
        '["aws"] in policy.toml if this account runs no Confluent (the policy digest changes)'
    )


class QueryFailed(Exception):
    """A request that did not produce a usable page; the text is safe to show."""


def costs_url(base_url: str, start: dt.date, end: dt.date) -> str:
    """The first page's URL: dates as YYYY-MM-DD, `end_date` exclusive."""
    query = urllib.parse.urlencode({"start_date": start.isoformat(), "end_date": end.isoformat()})
    return f"{base_url.rstrip('/')}{COSTS_PATH}?{query}"


def _money(value: Any) -> Decimal:
    """A JSON number (parsed as Decimal) or a numeric string; anything else is malformed."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, str)):
        raise TypeError(type(value).__name__)
    return finite_amount(value)


def line_amount(item: Any) -> Decimal:
    """A cost line's final amount in USD: `amount`, or `original_amount - discount_amount`
    (the API marks only `original_amount` as always present)."""
    if not isinstance(item, dict):
        raise MalformedAnswer("a cost line that is not an object")
    try:
        if item.get("amount") is not None:
            return _money(item["amount"])
        return _money(item["original_amount"]) - _money(item.get("discount_amount") or Decimal(0))
    except (KeyError, TypeError, InvalidOperation):
        raise MalformedAnswer("a cost line without a readable amount") from None


def page_lines(page: Any) -> tuple[list[Any], str | None]:
    """A page's cost lines and the link to the next page (None on the last)."""
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise MalformedAnswer("no `data` list")
    metadata = page.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise MalformedAnswer("`metadata` is not an object")
    following = metadata.get("next")
    if following is not None and not isinstance(following, str):
        raise MalformedAnswer("`metadata.next` is not a link")
    return page["data"], following or None


def _same_origin(url: str, base_url: str) -> bool:
    """Credentials go only to the configured API, whatever a `next` link says."""
    ours, theirs = urllib.parse.urlsplit(base_url), urllib.parse.urlsplit(url)
    return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """urllib forwards the Authorization header on redirects, to any host: refuse a
    redirect to another origin instead of handing it the Confluent secret."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        if not _same_origin(newurl, req.full_url):
            raise QueryFailed(f"answered HTTP {code} redirecting to another origin; credentials were not sent there")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get_json(url: str, authorization: str, timeout: float) -> Any:
    request = urllib.request.Request(
        url, headers={"Authorization": authorization, "Accept": "application/json"}
    )
    opener = urllib.request.build_opener(_SameOriginRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise QueryFailed(f"answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise QueryFailed(f"could not be reached ({type(exc.reason).__name__})") from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise QueryFailed(f"could not be read ({type(exc).__name__})") from None
    try:
        return json.loads(body, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise MalformedAnswer("the answer is not JSON") from None


def sum_costs(first_url: str, base_url: str, authorization: str, timeout: float) -> Decimal:
    """Follow `metadata.next` from the first page to the last and add up every line."""

    def fetch(url: str | None) -> tuple[list[Any], str | None]:
        assert url is not None
        if not _same_origin(url, base_url):
            raise MalformedAnswer("`metadata.next` points away from the configured API")
        lines, following = page_lines(_get_json(url, authorization, timeout))
        return lines, urllib.parse.urljoin(url, following) if following else None

    total = Decimal(0)
    try:
        for lines in follow_cursor(first_url, fetch, max_pages=MAX_PAGES):
            total += sum((line_amount(line) for line in lines), Decimal(0))
    except EndlessPagination:
        raise MalformedAnswer("pagination does not end") from None
    return total


def basic_authorization(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")


def collect_confluent_cost(
    *,
    today: dt.date,
    base_url: str = DEFAULT_BASE_URL,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    now: dt.datetime | None = None,
) -> tuple[list[Spend], list[Finding]]:
    """Confluent month-to-date as one Spend, or an ERROR and no Spend.

    Missing credentials are `cost-source-missing` (nothing was asked, so no query failed),
    even on the first of a month, when the window is empty and nothing would be requested:
    a source the policy requires must be readable. A query that fails is `cost-query-failed`."""
    environ = os.environ if environ is None else environ
    now = now or utc_now()
    endpoint = f"{base_url.rstrip('/')}{COSTS_PATH}"
    key, secret = environ.get(KEY_VARIABLE), environ.get(SECRET_VARIABLE)
    if not key or not secret:
        missing = [
            name for name, value in ((KEY_VARIABLE, key), (SECRET_VARIABLE, secret)) if not value
        ]
        return [], [error(catalog.COST_SOURCE_MISSING, SOURCE_SUBJECT, None, missing_credentials(missing))]
    window = month_to_date_window(today)
    if window is None:
        return [empty_window_spend("confluent", today, now)], []
    start, end = window
    try:
        amount = sum_costs(
            costs_url(base_url, start, end), base_url, basic_authorization(key, secret), timeout
        )
    except (QueryFailed, MalformedAnswer) as exc:
        reason = str(exc) if isinstance(exc, QueryFailed) else f"answered malformed: {exc}"
        message = f"GET {endpoint} for [{start}, {end}) {reason} (fail-closed)"
        # Defence in depth: no path puts the secret in a reason, and none ever may.
        return [], [error(catalog.COST_QUERY_FAILED, endpoint, None, message.replace(secret, "***"))]
    spend = Spend(
        source="confluent", amount_usd=amount, start=start, end=end, data_as_of=now - DATA_LAG
    )
    return [spend], []

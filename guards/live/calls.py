"""API calls made so that a failure names its method and is never swallowed.

Collectors wrap each call (or each paginated list) here. A refused or broken call
becomes `FailedCall`, which carries the method name (`ec2:DescribeNatGateways`) up to
the place that knows which check could not run and turns it into an ERROR finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from guards.live.errors import API_FAILURES

T = TypeVar("T")


class FailedCall(Exception):
    """An API call that failed: `method` as an operator would grant it, `cause` as raised."""

    def __init__(self, method: str, cause: Exception) -> None:
        super().__init__(f"{method}: {cause}")
        self.method = method
        self.cause = cause


@contextmanager
def calling(method: str) -> Iterator[None]:
    """Re-raise any AWS refusal or transport failure inside as `FailedCall(method)`."""
    try:
        yield
    except API_FAILURES as exc:
        raise FailedCall(method, exc) from exc


def call(client: Any, operation: str, *, method: str, **params: Any) -> dict[str, Any]:
    """One call of `operation` (boto3 snake_case name)."""
    with calling(method):
        return getattr(client, operation)(**params)


def pages(client: Any, operation: str, key: str, *, method: str, **params: Any) -> Iterator[Any]:
    """Every item under `key` across all pages of a list call (botocore's paginator)."""
    with calling(method):
        for page in client.get_paginator(operation).paginate(**params):
            yield from page.get(key) or []


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size`: for APIs that take a bounded batch of ids."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""AWS plumbing every collector and publisher shares: clients, error codes, the paginator.

No module-level clients: callers inject a session (tests one that reaches moto, users
their own); `AWS_ENDPOINT_URL` (moto, LocalStack) is honoured by botocore itself. A
refused or broken call is re-raised as `FailedCall`, which carries the method name
(`ec2:DescribeNatGateways`) up to the place that knows which check could not run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

T = TypeVar("T")

#: What a caller catches around one API call: AWS refusals and transport failures.
API_FAILURES = (ClientError, BotoCoreError)

RETRIES = Config(retries={"mode": "adaptive", "max_attempts": 8}, connect_timeout=10, read_timeout=30)

ClientFactory = Callable[[str, str], Any]
"""(service name, region) -> a boto3 client."""


def client_factory(session: boto3.Session) -> ClientFactory:
    """Clients with adaptive retries for throttling, one per (service, region)."""
    cache: dict[tuple[str, str], Any] = {}

    def make(service: str, region: str) -> Any:
        key = (service, region)
        if key not in cache:
            cache[key] = session.client(service, region_name=region, config=RETRIES)
        return cache[key]

    return make


def error_code(exc: BaseException) -> str:
    """AWS's error code (`NoSuchKey`, `AccessDenied`, `404`), else the exception's type name."""
    if isinstance(exc, FailedCall):
        return error_code(exc.cause)
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "ClientError")
    return type(exc).__name__


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

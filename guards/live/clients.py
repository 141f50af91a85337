"""Clients built from an injected boto3 session, with adaptive retries for throttling.

No module-level clients: tests inject a session that reaches moto, users their own.
`AWS_ENDPOINT_URL` (moto, LocalStack) is honoured by botocore itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

RETRIES = Config(retries={"mode": "adaptive", "max_attempts": 8}, connect_timeout=10, read_timeout=30)

ClientFactory = Callable[[str, str], Any]
"""(service name, region) -> a boto3 client."""


def client_factory(session: boto3.Session) -> ClientFactory:
    cache: dict[tuple[str, str], Any] = {}

    def make(service: str, region: str) -> Any:
        key = (service, region)
        if key not in cache:
            cache[key] = session.client(service, region_name=region, config=RETRIES)
        return cache[key]

    return make

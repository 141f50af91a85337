"""The live lane: read the account (and Confluent billing) into one inventory with facts.

Each section is optional (`--only`); what a section could not read becomes an ERROR
finding, so a partial read never passes. The rules that judge it are the same ones the
synth and plan lanes use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import boto3

from foundation.aws import ClientFactory, client_factory
from foundation.clock import utc_now
from foundation.coverage import LIVE_SECTIONS
from foundation.errors import ExitCode, StackguardError
from foundation.topology import STACK_NAMES
from guards.inventory import Inventory
from guards.live.backend import bucket_facts, held_locks, probe_lock, table_facts
from guards.live.errors import API_FAILURES
from guards.live_facts import LiveFacts
from guards.policy import Policy
from stacks.config import PlatformConfig

SECTIONS = LIVE_SECTIONS
DEFAULT_CONFLUENT_URL = "https://api.confluent.cloud"


@dataclass(frozen=True)
class LiveScope:
    """What to read: which stacks, which sections, as of which day."""

    stacks: tuple[str, ...]
    sections: frozenset[str]
    today: dt.date
    confluent_url: str = DEFAULT_CONFLUENT_URL

    def covers(self, stack: str | None) -> bool:
        """Untagged resources are anyone's bill and always count; so does every resource
        when the whole platform is in scope, whatever stack its tag names."""
        return stack is None or set(STACK_NAMES) <= set(self.stacks) or stack in self.stacks


def parse_sections(only: str | None) -> frozenset[str]:
    if not only:
        return frozenset(SECTIONS)
    chosen = {part.strip() for part in only.split(",") if part.strip()}
    unknown = chosen - set(SECTIONS)
    if unknown or not chosen:
        raise StackguardError(f"--only takes a comma list of {', '.join(SECTIONS)}; got {only!r}")
    return frozenset(chosen)


def parse_stacks(stack: str | None) -> tuple[str, ...]:
    if stack is None:
        return STACK_NAMES
    if stack not in STACK_NAMES:
        raise StackguardError(f"--stack must be one of {', '.join(STACK_NAMES)}, not {stack!r}")
    return (stack,)


def preflight(clients: ClientFactory, region: str) -> str:
    """Who we are; an unreachable endpoint or missing credentials is a tooling failure (3)."""
    try:
        return clients("sts", region).get_caller_identity()["Account"]
    except API_FAILURES as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StackguardError(f"AWS unreachable or no credentials: {reason}", ExitCode.ENVIRONMENT) from None


def _read_backend(clients: ClientFactory, config: PlatformConfig, scope: LiveScope, inventory: Inventory) -> None:
    from guards.live.state import collect_state

    live, region = inventory.live, config.region
    assert live is not None
    bucket, table = config.backend.state_bucket, config.backend.lock_table
    state_keys = {stack: config.state_key(stack) for stack in scope.stacks}
    facts, errors = bucket_facts(clients, region, bucket)
    live.buckets.append(facts)
    live.errors.extend(errors)
    table_fact, errors = table_facts(clients, region, table)
    live.tables.append(table_fact)
    live.errors.extend(errors)
    if not table_fact.exists:
        return  # readiness reports the missing table; nothing to probe or read
    probe, errors = probe_lock(clients, region, table)
    live.lock_probes.append(probe)
    live.errors.extend(errors)
    locks, errors = held_locks(clients, region, bucket=bucket, table=table, state_keys=state_keys)
    live.held_locks.extend(locks)
    live.errors.extend(errors)
    if facts.exists:
        resources, digests, errors = collect_state(
            clients, region=region, bucket=bucket, lock_table=table, state_keys=state_keys
        )
        inventory.resources.extend(resources)
        live.state_digests.extend(digests)
        live.errors.extend(errors)
        inventory.input_digests.update(
            {f"s3://{bucket}/{d.key}": d.object_sha256 for d in digests if d.object_sha256}
        )


def _read_infrastructure(clients: ClientFactory, regions: list[str], scope: LiveScope, inventory: Inventory) -> None:
    from guards.live.infrastructure import collect_infrastructure

    resources, errors = collect_infrastructure(clients, regions)
    inventory.resources.extend(r for r in resources if scope.covers(r.stack))
    assert inventory.live is not None
    inventory.live.errors.extend(errors)


def _read_budget(clients: ClientFactory, account: str, policy: Policy, today: dt.date, inventory: Inventory) -> None:
    from guards.live.budget import collect_budget

    resources, spend, errors = collect_budget(
        clients, account_id=account, budget_name=policy.budget.name, stack=policy.budget.stack, today=today
    )
    inventory.resources.extend(resources)
    if policy.budget.stack not in inventory.stacks:
        inventory.stacks.append(policy.budget.stack)
    assert inventory.live is not None
    inventory.live.spend.extend(spend)
    inventory.live.errors.extend(errors)


def _read_cost(clients: ClientFactory, policy: Policy, scope: LiveScope, inventory: Inventory) -> None:
    from guards.live.confluent import collect_confluent_cost
    from guards.live.cost import collect_aws_cost

    assert inventory.live is not None
    spend, errors = collect_aws_cost(clients, today=scope.today)
    inventory.live.spend.extend(spend)
    inventory.live.errors.extend(errors)
    if "confluent" in policy.cost.scope:
        spend, errors = collect_confluent_cost(base_url=scope.confluent_url, today=scope.today)
        inventory.live.spend.extend(spend)
        inventory.live.errors.extend(errors)


def collect_live(session: boto3.Session, *, config: PlatformConfig, policy: Policy, scope: LiveScope) -> Inventory:
    clients = client_factory(session)
    account = preflight(clients, config.region)
    facts = LiveFacts(collected_at=utc_now(), sections_read=scope.sections)
    inventory = Inventory(stacks=list(scope.stacks), live=facts)
    regions = policy.live.regions or [config.region]
    if "backend" in scope.sections:
        _read_backend(clients, config, scope, inventory)
    if "infra" in scope.sections:
        _read_infrastructure(clients, regions, scope, inventory)
    if "budget" in scope.sections:
        _read_budget(clients, account, policy, scope.today, inventory)
    if "cost" in scope.sections:
        _read_cost(clients, policy, scope, inventory)
    return inventory

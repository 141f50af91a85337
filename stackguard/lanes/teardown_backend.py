"""What the backend says before a teardown runs terraform: locks, states, coupling.

Read once, into findings, the states by stack and their digests, for the teardown lane's
contract step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from foundation.aws import ClientFactory
from foundation.clock import utc_now
from foundation.topology import STACK_NAMES, dependents_of
from guards.findings import Finding
from guards.inventory import Inventory, Resource
from guards.live.backend import held_locks
from guards.live.state import UNREADABLE, collect_state
from guards.live_facts import LiveFacts
from guards.rules.backend_live import state_locks
from guards.rules.live_state import state_digest
from guards.teardown.contract import backend_scope
from guards.teardown.coupling import dependents_gone, remote_state_sources, sources_present
from stackguard.lanes.operator import Request

MANUAL_MODE_REMEDY = (
    'set demo.confluent_source = "manual" with [demo.manual_parameters] (the SSM parameter '
    "names of the Kafka endpoint and credentials) in the configuration, then run the teardown "
    "again (it synthesizes again)"
)


@dataclass
class BackendView:
    """What the backend says before terraform runs: findings, states by stack, digests."""

    findings: list[Finding] = field(default_factory=list)
    states: dict[str, list[Resource] | None] = field(default_factory=dict)  # None: unreadable
    inputs: dict[str, str] = field(default_factory=dict)


def read_backend(request: Request, clients: ClientFactory, target_synth: Inventory) -> BackendView:
    """Locks, states and coupling, read from the backend before terraform runs."""
    config, target = request.config, request.stack
    bucket, table, region = config.backend.state_bucket, config.backend.lock_table, config.region
    keys = {stack: config.state_key(stack) for stack in STACK_NAMES}
    sources = remote_state_sources(target_synth, {key: stack for stack, key in keys.items()})
    dependents = dependents_of(target)
    wanted = sorted({"core", target, *dependents, *(source.stack for source in sources)})
    view = BackendView(states={stack: [] for stack in wanted})

    locks, lock_errors = held_locks(clients, region, bucket=bucket, table=table, state_keys={target: keys[target]})
    lock_facts = LiveFacts(collected_at=utc_now(), sections_read=frozenset({"backend"}), held_locks=locks)
    view.findings += [*state_locks(Inventory(live=lock_facts), request.policy), *lock_errors]

    resources, digests, errors = collect_state(
        clients, region=region, bucket=bucket, lock_table=table, state_keys={s: keys[s] for s in wanted}
    )
    for resource in resources:
        states = view.states[resource.stack or ""]
        if states is not None:
            states.append(resource)
    for finding in errors:
        if finding.code == UNREADABLE:
            view.states[finding.stack or ""] = None
            view.findings.append(finding)
        elif finding.stack == target:
            view.findings.append(finding)
    target_digests = LiveFacts(state_digests=[d for d in digests if d.stack == target])
    view.findings += state_digest(Inventory(live=target_digests), request.policy)
    view.findings += dependents_gone(target, {stack: view.states[stack] for stack in dependents}, keys)
    view.findings += sources_present(target, sources, view.states, MANUAL_MODE_REMEDY)
    view.findings += backend_scope(target_synth.backends, target=target, bucket=bucket, key=keys[target])
    view.inputs = {f"s3://{bucket}/{d.key}": d.object_sha256 for d in digests if d.object_sha256}
    return view

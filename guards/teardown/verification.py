"""After the apply: nothing of the target is left, and everything preserved still exists.

Pure: the post-apply state, the live resources and tags (each listed one with its own
service's confirmation), and presence facts in, findings out. A resource counts as the
target's when its `stack` tag names the target and its `environment` tag (when it has
one) is this environment's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from guards import catalog
from guards.findings import Finding, error, fail, passed
from guards.inventory import Resource
from guards.live_facts import Presence, TaggedResource

RESIDUAL = catalog.RESIDUAL_RESOURCE  # the name stackguard.lanes imports
STACK_TAG, ENVIRONMENT_TAG = "stack", "environment"


def belongs_to(tags: Mapping[str, str], target: str, environment: str) -> bool:
    return tags.get(STACK_TAG) == target and tags.get(ENVIRONMENT_TAG, environment) == environment


def state_residuals(target: str, state: Iterable[Resource]) -> list[Finding]:
    """Every managed resource still in the target's state is still managed, so still there."""
    left = [resource for resource in state if resource.mode == "managed"]
    findings = [
        fail(catalog.RESIDUAL_RESOURCE, resource.address, target, f"still in {target}'s state after the apply")
        for resource in left
    ]
    return findings or [passed(catalog.RESIDUAL_RESOURCE, "state", target, f"{target}'s state holds no resources")]


def _describe(resource: Resource) -> str:
    detail = ""
    if "desired_count" in resource.values:
        detail = f" (desired count {resource.values['desired_count']})"
    return f"a live {resource.type}{detail} tagged stack={resource.stack}"


def _task_definition(arn: str) -> tuple[str, str] | None:
    """(family ARN, revision) of a task definition ARN; None for any other ARN."""
    head, _, tail = arn.partition(":task-definition/")
    family, _, revision = tail.rpartition(":")
    return (f"{head}:task-definition/{family}", revision) if tail and family and head.startswith("arn:") else None


def _listed(item: TaggedResource, target: str) -> Finding | None:
    """A listed resource judged by its own service's word; None when it is gone."""
    where = f"listed by the tagging API under stack={target} in {item.region}"
    confirmation = item.confirmation
    if confirmation is None:
        return fail(RESIDUAL, item.arn, target, f"still {where}; no describe call of its service can confirm it is gone")
    if confirmation.state == "gone":
        return None
    if confirmation.state == "unreadable":
        return error(
            RESIDUAL, item.arn, target,
            f"{where}; {confirmation.method} failed with {confirmation.said}: whether it is gone could not be confirmed (fail-closed)",
        )  # fmt: skip
    said = f" ({confirmation.said})" if confirmation.said else ""
    return fail(RESIDUAL, item.arn, target, f"still exists{said} per {confirmation.method}: {where}")


def _active_revisions(target: str, active: dict[str, list[str]]) -> list[Finding]:
    """One finding per family whose revisions are still ACTIVE: not billed, so not a
    residual, but left by no terraform destroy and piling up unseen."""
    return [
        fail(
            catalog.TASK_DEFINITION_LEFT_ACTIVE, family, target,
            f"revision(s) {', '.join(sorted(revisions, key=lambda r: (len(r), r)))} still ACTIVE after the teardown "
            f"(not billed); deregister them or waive the family",
        )  # fmt: skip
        for family, revisions in sorted(active.items())
    ]


def live_residuals(
    target: str,
    environment: str,
    resources: Iterable[Resource],
    tagged: Iterable[TaggedResource],
) -> list[Finding]:
    """The billed infrastructure the collectors found, and what the tagging API lists under
    the target's tag unless its own service says it is gone, once per ARN. ACTIVE task
    definition revisions are reported apart (`task-definition-left-active`)."""
    findings: dict[str, Finding] = {}
    active: dict[str, list[str]] = {}
    gone = 0
    for resource in resources:
        tags = resource.values.get("tags") or {}
        if belongs_to(tags, target, environment):
            subject = resource.subject
            findings[subject] = fail(RESIDUAL, subject, target, f"{_describe(resource)} is left after the teardown")
    for item in tagged:
        if not belongs_to(item.tags, target, environment) or item.arn in findings:
            continue
        revision = _task_definition(item.arn)
        if revision and item.confirmation is not None and item.confirmation.state == "exists":
            active.setdefault(revision[0], []).append(revision[1])
        elif (finding := _listed(item, target)) is not None:
            findings[item.arn] = finding
        else:
            gone += 1
    left = list(findings.values()) or [
        passed(RESIDUAL, "live", target, f"nothing tagged stack={target} is left ({gone} listed but confirmed gone)")
    ]
    return [*left, *_active_revisions(target, active)]


def preserve_presence(presences: Sequence[Presence]) -> list[Finding]:
    """Each preserved thing still exists after the teardown."""
    findings = [
        fail(catalog.PRESERVE_MISSING, item.subject, "core", f"the preserved {item.name} no longer exists")
        for item in presences
        if not item.exists
    ]
    return findings or [passed(catalog.PRESERVE_MISSING, "*", "core", f"{len(presences)} preserved resources exist")]


def apply_outcome(destroy_set: Iterable[str], remaining: Iterable[str]) -> tuple[list[str], list[str]]:
    """(destroyed, not destroyed): the destroy-set split by what the state still holds."""
    left = set(remaining)
    planned = sorted(set(destroy_set))
    return [a for a in planned if a not in left], [a for a in planned if a in left]


def apply_failed(target: str, subject: str, reason: str) -> Finding:
    return fail(catalog.DESTROY_APPLY_FAILED, subject, target, reason)

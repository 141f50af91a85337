"""After the apply: nothing of the target is left, and everything preserved still exists.

Pure: the post-apply state, the live resources and tags, and presence facts in,
findings out. A resource counts as the target's when its `stack` tag names the target
and its `environment` tag (when it has one) is this environment's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from guards import catalog
from guards.findings import Finding, fail, passed
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


def live_residuals(
    target: str,
    environment: str,
    resources: Iterable[Resource],
    tagged: Iterable[TaggedResource],
) -> list[Finding]:
    """The billed infrastructure the collectors found and everything the tagging API still
    lists under the target's tag, once per ARN."""
    findings: dict[str, Finding] = {}
    for resource in resources:
        tags = resource.values.get("tags") or {}
        if belongs_to(tags, target, environment):
            subject = resource.subject
            findings[subject] = fail(catalog.RESIDUAL_RESOURCE, subject, target, f"{_describe(resource)} is left after the teardown")
    for item in tagged:
        if belongs_to(item.tags, target, environment) and item.arn not in findings:
            findings[item.arn] = fail(
                catalog.RESIDUAL_RESOURCE, item.arn, target, f"still listed by the tagging API under stack={target} in {item.region}"
            )
    return list(findings.values()) or [passed(catalog.RESIDUAL_RESOURCE, "live", target, f"nothing tagged stack={target} is left")]


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

"""Resource names AWS refuses, found before an apply stops half-way on them.

The naming rules live in `foundation.aws_names`; this module only knows which attribute of
which Terraform type carries a name. A name is judged only where the resource is about to
be created (synth, and plan creates and replacements): an existing resource's name was
already accepted, and a legacy one (an old us-east-1 bucket with capitals) must not block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from foundation import aws_names
from foundation.aws_names import Check
from guards import catalog
from guards.findings import Finding, fail
from guards.inventory import Inventory, Resource
from guards.policy import Policy
from guards.registry import rule, with_passes
from guards.values import SENSITIVE, UNKNOWN, attribute

CODES = (catalog.INVALID_RESOURCE_NAME,)
#: Where the name reaches AWS: on create (synth declares what will be created).
JUDGED_ACTIONS = frozenset({None, "create", "replace"})
SHOWN = 80


@dataclass(frozen=True)
class Naming:
    """How one Terraform type names its resource."""

    check: Check
    names: tuple[str, ...]  # attributes holding the whole name
    prefixes: tuple[str, ...] = ()  # attributes holding a prefix the provider completes
    #: An empty name lets the provider generate one (the attribute is optional).
    generated: bool = True
    #: Keyword arguments of `check` read from the resource (a topic's `fifo_topic`).
    options: Callable[[Resource], Mapping[str, Any]] | None = None


def _fifo(resource: Resource) -> Mapping[str, Any]:
    value = attribute(resource, "fifo_topic")
    return {"fifo": value if isinstance(value, bool) else None if value is UNKNOWN else False}


_ELBV2 = Naming(aws_names.load_balancer_name, ("name",))
_TARGET_GROUP = Naming(aws_names.target_group_name, ("name",))

NAMING: dict[str, Naming] = {
    "aws_security_group": Naming(aws_names.security_group_name, ("name",), ("name_prefix",)),
    "aws_s3_bucket": Naming(aws_names.s3_bucket_name, ("bucket",), ("bucket_prefix",)),
    "aws_iam_role": Naming(aws_names.iam_role_name, ("name",), ("name_prefix",)),
    "aws_iam_policy": Naming(aws_names.iam_policy_name, ("name",), ("name_prefix",)),
    "aws_iam_role_policy": Naming(aws_names.iam_policy_name, ("name",), ("name_prefix",)),
    "aws_dynamodb_table": Naming(aws_names.dynamodb_table_name, ("name",), generated=False),
    "aws_sns_topic": Naming(aws_names.sns_topic_name, ("name",), ("name_prefix",), options=_fifo),
    "aws_ecs_cluster": Naming(aws_names.ecs_name, ("name",), generated=False),
    "aws_ecs_service": Naming(aws_names.ecs_name, ("name",), generated=False),
    "aws_ecs_task_definition": Naming(aws_names.ecs_name, ("family",), generated=False),
    "aws_cloudwatch_log_group": Naming(aws_names.log_group_name, ("name",), ("name_prefix",)),
    "aws_db_instance": Naming(aws_names.rds_instance_identifier, ("identifier",), ("identifier_prefix",)),
    "aws_db_subnet_group": Naming(aws_names.db_subnet_group_name, ("name",), ("name_prefix",)),
    "aws_ecr_repository": Naming(aws_names.ecr_repository_name, ("name",), generated=False),
    "aws_budgets_budget": Naming(aws_names.budget_name, ("name",), ("name_prefix",)),
    "aws_ssm_parameter": Naming(aws_names.ssm_parameter_name, ("name",), generated=False),
    "aws_lb": _ELBV2,
    "aws_alb": _ELBV2,
    "aws_elb": Naming(aws_names.classic_load_balancer_name, ("name",)),
    "aws_lb_target_group": _TARGET_GROUP,
    "aws_alb_target_group": _TARGET_GROUP,
}


def literal(resource: Resource, name: str) -> str | None:
    """The attribute's value when it is a string known now; None when absent, a token,
    known only after apply, or hidden as sensitive."""
    if name in resource.sensitive_paths:
        return None
    value = attribute(resource, name)
    return value if isinstance(value, str) and value != SENSITIVE else None


def refusals(resource: Resource, naming: Naming) -> tuple[int, list[str]]:
    """How many literal names the resource has, and why AWS would refuse each refused one."""
    check = partial(naming.check, **naming.options(resource)) if naming.options else naming.check
    judged, reasons = 0, []
    for attr, is_prefix in [(a, False) for a in naming.names] + [(a, True) for a in naming.prefixes]:
        value = literal(resource, attr)
        if value is None or (value == "" and (naming.generated or is_prefix)):
            continue
        judged += 1
        # A prefix gets the provider's suffix, and any the kind needs (a FIFO topic's `.fifo`).
        reason = aws_names.prefix_refusal(naming.check, value) if is_prefix else check(value)
        if reason:
            shown = value if len(value) <= SHOWN else value[: SHOWN - 3] + "..."
            reasons.append(f"{attr} {shown!r} {reason}")
    return judged, reasons


@rule("resource-names", codes=CODES)
def resource_names(inventory: Inventory, policy: Policy) -> list[Finding]:
    """Every literal resource name is one AWS accepts for its kind.

    Names that are tokens (`${...}`) or known only after apply are skipped: AWS checks them
    at apply, and nothing here can know them sooner.
    """
    findings: list[Finding] = []
    checked = 0
    for resource in inventory.resources:
        naming = NAMING.get(resource.type)
        if naming is None or resource.mode != "managed" or resource.source not in ("synth", "plan"):
            continue
        if resource.action not in JUDGED_ACTIONS:
            continue
        judged, reasons = refusals(resource, naming)
        checked += judged
        if reasons:
            message = "; ".join(reasons)
            findings.append(fail(catalog.INVALID_RESOURCE_NAME, resource.subject, resource.stack, message))
    return with_passes(findings, CODES, checked, "resource names")

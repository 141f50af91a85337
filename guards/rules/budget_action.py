"""The budget's stop, executable in AWS: a budget action that fences the deploy role.

Judged field by field, as the Terraform resource spells it: APPLY_IAM_POLICY, approval
AUTOMATIC, ACTUAL spend at the policy's stop threshold, every role in `stop_roles`, and an
attached policy of the same stack whose Deny covers every create action of the IAM table
(`foundation/data/iam_by_resource_type.toml`). A field the rule does not know fails
closed. Synth references (`${aws_iam_role.x.name}`) are resolved within the stack; what
stays unresolved is UNKNOWN. Synth and plan only: the live view reads no actions.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from foundation.iam_table import create_actions
from guards import catalog
from guards.findings import Finding, fail, unknown
from guards.inventory import Inventory, Resource
from guards.policy import BudgetPolicy, Policy
from guards.registry import rule, with_passes
from guards.rules.budget_fields import has_token, is_set
from guards.values import UNKNOWN, as_decimal, first_block, is_token

ACTION_TYPE = "aws_budgets_budget_action"
POLICY_TYPE = "aws_iam_policy"
CODES = (catalog.BUDGET_STOP_ACTION_MISSING, catalog.BUDGET_STOP_ACTION_MISMATCH)
KNOWN_FIELDS = frozenset(
    {
        "budget_name", "action_type", "approval_model", "notification_type", "execution_role_arn",
        "action_threshold", "definition", "subscriber",
        "account_id", "action_id", "arn", "id", "status", "tags", "tags_all", "timeouts",
    }
)
THRESHOLD_FIELDS = frozenset({"action_threshold_type", "action_threshold_value"})
DEFINITION_FIELDS = frozenset({"iam_action_definition"})
IAM_DEFINITION_FIELDS = frozenset({"policy_arn", "roles", "groups", "users"})
_REFERENCE = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$")
_POLICY_NAME = re.compile(r":policy/(?:[^$]*/)?([\w+=,.@-]+)$")


def resolve(value: Any, inventory: Inventory, stack: str | None) -> Any:
    """A literal as is; `${type.name.attr}` as that root resource's known attribute; UNKNOWN else."""
    if not is_token(value):
        return value
    match = _REFERENCE.match(value)
    if match is None:
        return UNKNOWN
    type_, name, attr = match.groups()
    for r in inventory.resources:
        if (r.stack, r.type, r.name, r.mode, r.module_path) == (stack, type_, name, "managed", ""):
            found = r.values.get(attr)
            return UNKNOWN if found is None or is_token(found) or attr in r.unknown_values else found
    return UNKNOWN


def _attached_policy(arn: Any, inventory: Inventory, stack: str | None) -> Resource | None | Any:
    """The stack's `aws_iam_policy` an ARN names (by reference or by name), None if none, UNKNOWN."""
    match = _REFERENCE.match(arn) if isinstance(arn, str) else None
    policies = [r for r in inventory.resources if r.type == POLICY_TYPE and r.stack == stack and r.exists_after_apply]
    if match is not None and match.group(1) == POLICY_TYPE:
        return next((p for p in policies if p.name == match.group(2) and not p.module_path), None)
    named = _POLICY_NAME.search(arn) if isinstance(arn, str) else None
    if named is None:
        return UNKNOWN
    return next((p for p in policies if resolve(p.values.get("name"), inventory, stack) == named.group(1)), None)


def undenied_creates(document: Any) -> list[str] | Any:
    """The table's create actions no unconditioned Deny on `*` covers; UNKNOWN if unreadable."""
    if not isinstance(document, str) or is_token(document):
        return UNKNOWN
    try:
        statements = json.loads(document).get("Statement", [])
    except (ValueError, AttributeError):
        return UNKNOWN
    patterns: list[str] = []
    for s in statements if isinstance(statements, list) else [statements]:
        resources = s.get("Resource") if isinstance(s, dict) else None
        if not isinstance(s, dict) or s.get("Effect") != "Deny" or "Condition" in s or resources not in ("*", ["*"]):
            continue
        actions = s.get("Action", [])
        patterns += [actions] if isinstance(actions, str) else [a for a in actions if isinstance(a, str)]
    return [a for a in create_actions() if not any(fnmatchcase(a.lower(), p.lower()) for p in patterns)]


def _threshold(block: dict[str, Any], cap: Decimal) -> Decimal | None | Any:
    value = as_decimal(block.get("action_threshold_value"))
    kind = block.get("action_threshold_type")
    if value is UNKNOWN or is_token(kind):
        return UNKNOWN
    if not isinstance(value, Decimal):
        return None
    if kind == "PERCENTAGE":
        return (value * cap / 100).normalize()
    return value if kind == "ABSOLUTE_VALUE" else None


def problems(action: Resource, inventory: Inventory, expected: BudgetPolicy) -> tuple[list[str], list[str]]:
    """(why it fails, what is known only after apply) for one action."""
    wrong: list[str] = []
    later: list[str] = []
    stack = action.stack
    threshold = first_block(action.values.get("action_threshold"))
    definition = first_block(action.values.get("definition"))
    iam = first_block(definition.get("iam_action_definition"))
    for where, values, known in (
        ("", action.values, KNOWN_FIELDS),
        ("action_threshold.", threshold, THRESHOLD_FIELDS),
        ("definition.", definition, DEFINITION_FIELDS),
        ("definition.iam_action_definition.", iam, IAM_DEFINITION_FIELDS),
    ):
        for name in sorted(n for n in set(values) - known if is_set(values[n])):
            (later if has_token(values[name]) else wrong).append(f"sets {where}{name}, which the rule does not know")
    for name, want in (
        ("action_type", "APPLY_IAM_POLICY"),
        ("approval_model", "AUTOMATIC"),
        ("notification_type", expected.notification_type),
    ):
        got = resolve(action.values.get(name), inventory, stack)
        if got is UNKNOWN or name in action.unknown_values:
            later.append(f"{name} known only after apply")
        elif got != want:
            wrong.append(f"{name} is {got!r}, the stop needs {want!r}")
    stop = expected.stop_threshold_usd.normalize()
    at = _threshold(threshold, expected.limit_usd)
    if at is UNKNOWN:
        later.append("threshold known only after apply")
    elif at != stop:
        wrong.append(f"acts at {f'{at:f} USD' if at is not None else 'an unreadable threshold'}, the stop is {stop:f} USD")
    roles = iam.get("roles") if isinstance(iam.get("roles"), list) else []
    names = [resolve(r, inventory, stack) for r in roles]
    missing = sorted(set(expected.stop_roles) - set(names))
    if not expected.stop_roles:
        wrong.append("the policy names no stop_roles, so no target can be shown right")
    elif missing and UNKNOWN in names:
        later.append("roles known only after apply")
    elif missing:
        wrong.append(f"does not fence {', '.join(missing)}")
    attached = _attached_policy(iam.get("policy_arn"), inventory, stack)
    if attached is UNKNOWN or attached is None:
        (later if attached is UNKNOWN else wrong).append(
            f"attaches {iam.get('policy_arn')!r}, which is not a policy of stack {stack!r} the rule can read"
        )
        return wrong, later
    undenied = undenied_creates(resolve(attached.values.get("policy"), inventory, stack))
    if undenied is UNKNOWN:
        later.append(f"{attached.address}'s document known only after apply")
    elif undenied:
        shown = ", ".join(undenied[:5]) + (f" and {len(undenied) - 5} more" if len(undenied) > 5 else "")
        wrong.append(f"{attached.address} does not deny {shown}")
    return wrong, later


@rule("budget-stop-action", codes=CODES)
def budget_stop_action(inventory: Inventory, policy: Policy) -> list[Finding]:
    """The policy's budget has an action that stops creating at the emergency stop."""
    expected = policy.budget
    if expected.stack not in inventory.stacks or inventory.live is not None:
        return []  # another stack's document, or the live view (which reads no actions)
    actions = [r for r in inventory.resources if r.type == ACTION_TYPE and r.stack == expected.stack and r.exists_after_apply]
    named = [a for a in actions if resolve(a.values.get("budget_name"), inventory, a.stack) == expected.name]
    unnamed = [a for a in actions if resolve(a.values.get("budget_name"), inventory, a.stack) is UNKNOWN]
    if not named:
        if unnamed:
            return [unknown(catalog.BUDGET_STOP_ACTION_MISSING, a.subject, a.stack, "budget_name known only after apply") for a in unnamed]
        return [
            fail(
                catalog.BUDGET_STOP_ACTION_MISSING,
                f"{ACTION_TYPE} (budget {expected.name!r})",
                expected.stack,
                f"no budget action on {expected.name!r} in stack {expected.stack!r}: the stop at "
                f"{expected.stop_threshold_usd:f} USD only alerts",
            )
        ]
    findings: list[Finding] = []
    for action in named:
        wrong, later = problems(action, inventory, expected)
        if wrong:
            findings.append(fail(catalog.BUDGET_STOP_ACTION_MISMATCH, action.subject, action.stack, "; ".join(wrong)))
        elif later:
            findings.append(unknown(catalog.BUDGET_STOP_ACTION_MISMATCH, action.subject, action.stack, "; ".join(later)))
    return with_passes(findings, CODES, len(named), "budget actions")

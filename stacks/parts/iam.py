"""IAM policy documents as plain data, so a test can read exactly what is granted."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str],
    *,
    effect: str = "Allow",
    condition: Mapping[str, Any] | None = None,
    principal: Mapping[str, Any] | str | None = None,
) -> dict[str, Any]:
    """One IAM statement; `principal` only for resource and trust policies."""
    result: dict[str, Any] = {"Sid": sid, "Effect": effect, "Action": list(actions)}
    if principal is not None:
        result["Principal"] = principal
    if resources:  # trust policies name no resource
        result["Resource"] = list(resources) if len(resources) != 1 else resources[0]
    if condition:
        result["Condition"] = dict(condition)
    return result


def policy_document(*statements: Mapping[str, Any]) -> str:
    """A policy JSON string; cdktf resolves tokens embedded in it at synth time."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)

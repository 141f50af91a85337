"""Run every registered rule over one inventory, then apply the policy's waivers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import guards.rules  # noqa: F401 - importing the package registers every rule family
from guards.catalog import CATALOG
from guards.findings import Finding
from guards.inventory import Inventory
from guards.policy import Policy
from guards.registry import RULES
from guards.waivers import AppliedWaiver, apply_waivers


def all_codes() -> list[str]:
    """Every code anything can report: the catalog's, sorted (a Finding refuses others)."""
    return sorted(CATALOG)


def evaluate(
    inventory: Inventory,
    policy: Policy,
    *,
    today: dt.date,
    documents: Mapping[str | None, str] | None = None,
) -> tuple[list[Finding], list[AppliedWaiver]]:
    """All findings, each tied to the document its stack came from when that is known (and,
    for a resource of cdktf synth output, to the construct that made it); the
    rules judge for `today` unless the inventory says its own day (`Inventory.as_of`)."""
    documents = documents or {}
    if inventory.as_of is None:
        inventory = dataclasses.replace(inventory, as_of=today)
    produced = [finding for registered in RULES.values() for finding in registered.check(inventory, policy)]
    if inventory.live is not None:
        produced.extend(inventory.live.errors)  # failed API calls: checks that could not run
    constructs = {
        (resource.stack, resource.subject): resource.construct_path
        for resource in inventory.resources
        if resource.construct_path
    }
    findings: list[Finding] = []
    for finding in produced:
        update: dict[str, str] = {}
        document = documents.get(finding.stack) or documents.get(None)
        if document and finding.document is None:
            update["document"] = document
        construct = constructs.get((finding.stack, finding.subject))
        if construct and finding.construct_path is None:
            update["construct_path"] = construct
        findings.append(finding.model_copy(update=update) if update else finding)
    return apply_waivers(findings, policy.waivers, today)

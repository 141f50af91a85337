"""The IAM actions each Terraform resource type needs, read from one table in the project.

core derives its deploy and teardown roles, and the budget stop's deny policy, from it, so
a role grows with what the stacks declare and nothing else; a type missing from the table
stops the synthesis instead of leaving a role that fails half-way through an apply.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

TABLE_FILE = "data/iam_by_resource_type.toml"
Step = Literal["create", "update", "delete", "read"]
STEPS: tuple[Step, ...] = ("create", "update", "delete", "read")
TagScope = Literal["request", "resource", "none"]
TAG_SCOPES: tuple[TagScope, ...] = ("request", "resource", "none")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*]+$")


@dataclass(frozen=True)
class TypeActions:
    """One resource type's actions by step, and how far the stack tag can scope them."""

    type: str
    tags: TagScope
    create: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    read: tuple[str, ...] = ()

    def actions(self, steps: Iterable[Step]) -> tuple[str, ...]:
        return tuple(action for step in steps for action in getattr(self, step))


class UnknownResourceType(KeyError):
    """A type the table does not cover: no role can be derived for it."""


def parse_table(text: str) -> dict[str, TypeActions]:
    """The table from TOML text; a malformed entry raises ValueError naming it."""
    table: dict[str, TypeActions] = {}
    for type_name, entry in tomllib.loads(text).items():
        unknown = set(entry) - {"tags", *STEPS}
        if unknown or entry.get("tags") not in TAG_SCOPES:
            raise ValueError(f"{TABLE_FILE}: [{type_name}] needs tags in {TAG_SCOPES} and only {STEPS}")
        steps = {step: tuple(entry.get(step, ())) for step in STEPS}
        bad = [a for actions in steps.values() for a in actions if not _ACTION.match(a)]
        if bad:
            raise ValueError(f"{TABLE_FILE}: [{type_name}] has malformed actions: {', '.join(bad)}")
        table[type_name] = TypeActions(type=type_name, tags=entry["tags"], **steps)
    return table


@cache
def iam_table() -> dict[str, TypeActions]:
    """The shipped table, read once."""
    return parse_table(files("foundation").joinpath(TABLE_FILE).read_text(encoding="utf-8"))


def lookup(types: Iterable[str], table: dict[str, TypeActions] | None = None) -> list[TypeActions]:
    """The entries of `types`, sorted; raises UnknownResourceType naming every missing one."""
    table = iam_table() if table is None else table
    wanted = sorted(set(types))
    missing = [name for name in wanted if name not in table]
    if missing:
        raise UnknownResourceType(f"{TABLE_FILE} has no entry for {', '.join(missing)}")
    return [table[name] for name in wanted]


def known(types: Iterable[str], table: dict[str, TypeActions] | None = None) -> list[TypeActions]:
    """The entries of those `types` the table has, sorted. A type it lacks gets no action at
    all (the roles cannot manage it: fail closed), and the synth guard names it
    (`ci-role-type-uncovered`), so synthesis goes on and every other rule still judges it."""
    table = iam_table() if table is None else table
    return [table[name] for name in sorted(set(types)) if name in table]


def create_actions(table: dict[str, TypeActions] | None = None) -> list[str]:
    """Every action the table lists for creating something: what the budget stop denies."""
    table = iam_table() if table is None else table
    return sorted({action for entry in table.values() for action in entry.create})

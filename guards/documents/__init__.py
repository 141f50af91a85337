"""Document collectors: Terraform/cdktf JSON files -> one normalized Inventory.

Every function here raises only `InputError` for bad input; its message is one line that
names the file, the problem and how to produce the right input (the CLI exits 2 with it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from guards.documents.errors import InputError
from guards.documents.loading import (
    REMEDIES,
    DocumentKind,
    RawDocument,
    describe_kind,
    detect_kind,
    document_from_bytes,
    parse_document,
    read_document,
)
from guards.documents.plan import change_sink, collect_plan, plan_inventory
from guards.documents.state import (
    backend_cache_inventory,
    raw_state_inventory,
    raw_state_sink,
    state_inventory,
)
from guards.documents.synth import collect_synth, stack_name_of
from guards.inventory import Inventory

__all__ = [
    "InputError",
    "collect_plan",
    "collect_synth",
    "load_document",
    "load_plan",
    "load_state",
    "load_synth",
    "parse_document_bytes",
]

Expect = Literal["plan", "state", "synth", "document"]
PathLike = str | os.PathLike[str]

_ACCEPTED: dict[str, frozenset[DocumentKind]] = {
    "plan": frozenset({"plan"}),
    "state": frozenset({"state", "raw-state", "backend-cache"}),
    "synth": frozenset({"synth"}),
    "document": frozenset({"plan", "state", "raw-state", "backend-cache", "synth"}),
}
_EXPECTED_NOUN = {
    "plan": "a plan",
    "state": "state",
    "synth": "cdktf synth output",
    "document": "a document",
}
#: Members never needed: copies of the infrastructure (planned_values, prior_state),
#: configuration, variable and output values (which may hold secrets).
_DROPPED_MEMBERS = frozenset(
    {
        "planned_values",
        "prior_state",
        "configuration",
        "resource_drift",
        "output_changes",
        "relevant_attributes",
        "variables",
        "checks",
        "outputs",
        "check_results",
        "deferred_changes",
    }
)


def _collect(raw: RawDocument, stack: str | None, expect: Expect) -> Inventory:
    changes, entries = change_sink(stack), raw_state_sink(stack)
    top = parse_document(
        raw, sinks={"resource_changes": changes, "resources": entries}, drop=_DROPPED_MEMBERS
    )
    kind = detect_kind(top)
    if kind not in _ACCEPTED[expect]:
        raise InputError(
            f"this is {describe_kind(kind)}, not {_EXPECTED_NOUN[expect]}", REMEDIES[expect]
        )
    if kind == "plan":
        inventory = plan_inventory(top, changes, stack)
    elif kind == "state":
        inventory = state_inventory(top, stack)
    elif kind == "raw-state":
        inventory = raw_state_inventory(top, entries, stack)
    elif kind == "backend-cache":
        inventory = backend_cache_inventory(top, stack)
    else:
        name = stack or stack_name_of(top.members) or Path(raw.path).resolve().parent.name
        inventory = collect_synth(top.members, name)
    inventory.input_digests[raw.path] = raw.digest
    return inventory


def _guarded(
    path: PathLike, expect: Expect, stack: str | None, data: bytes | None = None
) -> Inventory:
    try:
        raw = read_document(path) if data is None else document_from_bytes(data, os.fspath(path))
        return _collect(raw, stack, expect)
    except InputError as error:
        raise error.completed(path, REMEDIES[expect]) from None
    except RecursionError:
        raise InputError("nests too deeply to be read", REMEDIES[expect], path) from None


def parse_document_bytes(
    data: bytes, path: PathLike, *, stack: str | None = None, expect: Expect = "document"
) -> Inventory:
    """A document already in memory (a state object read from S3, a test); `path` names it."""
    return _guarded(path, expect, stack, data)


def load_document(path: PathLike, stack: str | None = None) -> Inventory:
    """Any supported document, by its detected kind; a directory is read as cdktf.out."""
    if Path(path).is_dir():
        return load_synth(path)
    return _guarded(path, "document", stack)


def load_plan(path: PathLike, stack: str | None = None) -> Inventory:
    """`terraform show -json PLANFILE` output; state and other kinds are refused by name."""
    return _guarded(path, "plan", stack)


def load_state(path: PathLike, stack: str | None = None) -> Inventory:
    """`terraform show -json` state, a raw state file (v4) or a `.terraform/terraform.tfstate`."""
    return _guarded(path, "state", stack)


def _stack_files(directory: Path) -> list[tuple[str | None, Path]]:
    try:
        stacks = directory / "stacks"
        if stacks.is_dir():
            found = sorted(stacks.glob("*/cdk.tf.json"))
            return [(file.parent.name, file) for file in found]
        single = directory / "cdk.tf.json"
        return [(None, single)] if single.is_file() else []
    except OSError as error:
        raise InputError(
            f"cannot be listed ({error.strerror or type(error).__name__})",
            REMEDIES["synth"],
            directory,
        ) from None


def load_synth(path: PathLike) -> Inventory:
    """cdktf synth output: a cdktf.out directory (`stacks/<name>/cdk.tf.json`) or one cdk.tf.json.

    A stack is named by its directory under `stacks/`; a lone file by `//.metadata.stackName`,
    else by its parent directory.
    """
    location = Path(path)
    files = _stack_files(location) if location.is_dir() else [(None, location)]
    if not files:
        raise InputError("contains no stacks/<stack>/cdk.tf.json", REMEDIES["synth"], path)
    inventory = Inventory()
    for stack, file in files:
        inventory.extend(_guarded(file, "synth", stack))
    return inventory

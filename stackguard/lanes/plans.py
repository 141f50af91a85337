"""The reviewed plan, kept where nothing else can swap it, and the one apply of it.

- `private_directory`: a fresh directory (tempfile.mkdtemp: mode 0700) for one lane's
  plan, removed with everything in it when the lane ends, whatever its outcome;
- `save_plan` and `SavedPlan`: init, plan -out=FILE in the working directory, FILE copied
  into the private directory (the original removed at once), the copy hashed and shown
  (`show -json COPY`); what is judged is the copy, and `SavedPlan.apply` applies the copy
  by its absolute path, only while its sha256 is still the judged one;
- `attempt_apply`: that apply, and when it does not complete (failed, stale, interrupted,
  the plan changed) why, with the state as terraform shows it afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foundation.digests import file_sha256
from foundation.errors import ExitCode, StackguardError
from foundation.files import RefusedFile, read_regular_file
from guards.documents import InputError, parse_document_bytes
from guards.inventory import Inventory
from stackguard.terraform import STALE_PLAN_MARK, Completed, Terraform, TerraformFailed


class PlanChanged(StackguardError):
    """The plan file is not the one that was judged; nothing was applied."""

    code = ExitCode.ENVIRONMENT


@contextmanager
def private_directory() -> Iterator[Path]:
    """A new directory only this user can enter (0700), removed when the lane ends."""
    path = Path(tempfile.mkdtemp(prefix="stackguard-plan-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class SavedPlan:
    """A plan terraform saved as `original`, its private copy `file` (what is shown,
    judged and applied), the copy's sha256 when it was judged, and its `show -json`."""

    terraform: Terraform
    original: Path
    file: Path
    sha256: str
    shown: bytes

    def details(self) -> dict[str, Any]:
        return {
            "terraform_ran": True,
            "terraform": self.terraform.name,
            "working_directory": str(self.terraform.workdir),
            "plan_file": str(self.original),
            "plan_file_sha256": self.sha256,
        }

    def input_digests(self) -> dict[str, str]:
        return {str(self.original): self.sha256}

    def unchanged(self) -> bool:
        return self.file.is_file() and file_sha256(self.file) == self.sha256

    def apply(self, *, judged_as: str = "it was checked") -> Completed:
        """`terraform apply COPY`, only while the copy is the file that was judged."""
        if not self.unchanged():
            raise PlanChanged(
                f"the plan file {self.file} changed or vanished since {judged_as}; nothing was applied"
            )
        return self.terraform.apply(str(self.file))


def _copy_privately(original: Path, copy: Path) -> None:
    """The plan's bytes, read from a regular file only, written to a new file of ours."""
    try:
        data = read_regular_file(original)
    except RefusedFile as exc:
        raise TerraformFailed(f"the plan file {original} {exc}") from None
    descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def save_plan(
    terraform: Terraform, name: str, private: Path, *, destroy: bool = False, reconfigure: bool = False
) -> SavedPlan:
    """init [-reconfigure], plan [-destroy] -out=NAME in the working directory, NAME copied
    into `private` (and removed), then the copy hashed and shown."""
    terraform.init(reconfigure=reconfigure)
    original = terraform.workdir / name
    copy = private / name
    try:
        if destroy:
            terraform.plan_destroy(name)
        else:
            terraform.plan(name)
        if not original.is_file():
            raise TerraformFailed(f"{terraform.name} plan succeeded but wrote no plan file {original}")
        _copy_privately(original, copy)
    finally:
        original.unlink(missing_ok=True)
    sha256 = file_sha256(copy)
    return SavedPlan(terraform, original, copy, sha256, terraform.show_json(str(copy)))


def read_plan(saved: SavedPlan, stack: str) -> Inventory:
    """The judged copy's `show -json`, as an inventory (exit 3 when it cannot be read)."""
    try:
        return parse_document_bytes(saved.shown, f"{saved.original} (show -json)", stack=stack, expect="plan")
    except InputError as exc:
        raise TerraformFailed(f"the plan cannot be read: {exc}") from None


@dataclass(frozen=True)
class StateAfter:
    """The stack's state as terraform shows it after an apply, or why it could not be read."""

    inventory: Inventory | None
    problem: str | None = None

    @property
    def left(self) -> list[str] | None:
        """The managed resources the state holds (None: unreadable)."""
        if self.inventory is None:
            return None
        return [r.address for r in self.inventory.resources if r.mode == "managed"]


def state_after(terraform: Terraform, stack: str) -> StateAfter:
    try:
        shown = terraform.show_json()
        where = f"{terraform.workdir} (show -json, after apply)"
        return StateAfter(parse_document_bytes(shown, where, stack=stack, expect="state"))
    except (TerraformFailed, InputError) as exc:
        return StateAfter(None, str(exc))


@dataclass(frozen=True)
class Attempt:
    """What the apply of the reviewed plan did: completed, or why not (`failure`), and
    then the state after it (None when nothing was applied: the plan file changed)."""

    failure: str | None = None
    after: StateAfter | None = None
    interrupted: str | None = None  # SIGINT or SIGTERM, when one stopped it

    @property
    def attempted(self) -> bool:
        return self.failure is None or self.after is not None

    def outcome(self) -> dict[str, Any]:
        """What the evidence says about the apply."""
        outcome: dict[str, Any] = {"completed": self.failure is None, "attempted": self.attempted}
        if self.failure is not None:
            outcome |= {"reason": self.failure, "interrupted": self.interrupted}
        return outcome


def attempt_apply(saved: SavedPlan, stack: str, *, judged_as: str, replan: str) -> Attempt:
    """Apply the copy that was judged. When that does not complete, say why and read the
    state it left; `replan` says how to get a new plan when terraform refused a stale one."""
    try:
        result = saved.apply(judged_as=judged_as)
    except PlanChanged as exc:
        return Attempt(str(exc))
    name = saved.terraform.name
    if result.interrupted:
        reason = (
            f"interrupted by {result.interrupted} during `{name} apply`; {name} was asked to stop "
            f"gracefully (exit {result.returncode}) and the state shows what it applied"
            f"{saved.terraform.full_output()}"
        )
    elif result.returncode == 0:
        return Attempt()
    elif STALE_PLAN_MARK in result.stderr:
        reason = f"the saved plan is stale: {stack}'s state changed after it was planned and {name} refused it; {replan}{saved.terraform.full_output()}"
    else:
        reason = saved.terraform.failure("apply", result)
    return Attempt(reason, state_after(saved.terraform, stack), result.interrupted)

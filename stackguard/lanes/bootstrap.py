"""core's first deploy (`stackguard deploy core --bootstrap`) and the move of its state.

On a fresh account the state bucket core creates does not exist yet, so core is planned,
judged and applied with a local state file (`terraform.core.bootstrap.tfstate` at the
project root), exactly like any deploy. Then:

1. core is synthesized again with its S3 backend and `terraform init -migrate-state
   -force-copy` copies the local state into the bucket (taking both locks);
2. the bucket's object is read back and must hold what the local state holds: the same
   resources, attribute for attribute, and outputs (`guards.deploy.migration`);
3. only then is the local copy (and terraform's `.backup` of it) retired, so a later
   `--bootstrap` cannot plan from it again.

Lane `deploy-migrate` records what was compared. A migration that cannot be verified keeps
the local file and says how to finish: `--bootstrap` again plans from it (no changes) and
migrates. `gate` refuses the combinations that would lose or fork core's state.
"""

from __future__ import annotations

from pathlib import Path

from foundation.aws import ClientFactory, error_code
from foundation.digests import bytes_sha256
from foundation.errors import ExitCode, StackguardError
from foundation.files import RefusedFile, read_regular_file
from guards.deploy.migration import StateCopy, identity, migration_findings
from guards.documents import InputError, parse_document_bytes
from guards.live.errors import API_FAILURES
from stackguard.lanes import operator as kernel
from stackguard.lanes.operator import Gathered, Request
from stackguard.synth import synthesize
from stackguard.terraform import Terraform, TerraformFailed
from stacks.bootstrap import BOOTSTRAP_STATE_FILE

LANE_MIGRATE = "deploy-migrate"
_ABSENT = {"404", "NoSuchKey", "NoSuchBucket", "NotFound"}


def local_state_path() -> Path:
    """Where `--bootstrap` synthesizes core's local state: the project root (the cwd)."""
    return Path.cwd() / BOOTSTRAP_STATE_FILE


def _state_object(request: Request, clients: ClientFactory) -> bytes | None:
    """core's state object in the bucket, None when the bucket or the object is absent;
    any other answer stops (exit 3): whether core's state exists must be known."""
    config = request.config
    bucket, key = config.backend.state_bucket, config.state_key("core")
    try:
        answer = clients("s3", config.region).get_object(Bucket=bucket, Key=key)
        return answer["Body"].read()
    except API_FAILURES as exc:
        if error_code(exc) in _ABSENT:
            return None
        raise StackguardError(
            f"cannot tell whether core's state exists at s3://{bucket}/{key} ({error_code(exc)}); nothing was planned",
            ExitCode.ENVIRONMENT,
        ) from None


def gate(request: Request, clients: ClientFactory) -> None:
    """Before core is planned: `--bootstrap` only while the bucket holds no state for core;
    a plain deploy only once it does and no bootstrap file is left to migrate."""
    config = request.config
    where = f"s3://{config.backend.state_bucket}/{config.state_key('core')}"
    remote = _state_object(request, clients)
    local = local_state_path()
    if request.bootstrap and remote is not None:
        leftover = f"; {local} is left over from the bootstrap: compare it, then remove it" if local.exists() else ""
        raise StackguardError(
            f"core's state is already in {where}: deploy it without --bootstrap{leftover}; nothing was planned"
        )
    if not request.bootstrap and remote is None:
        if local.exists():
            raise StackguardError(
                f"core's bootstrap state {local} has not been moved into {where} yet: run "
                "`stackguard deploy core --bootstrap` to finish; nothing was planned"
            )
        raise StackguardError(
            f"core has no state in {where} (on a fresh account the bucket does not exist yet): "
            "run `stackguard deploy core --bootstrap` first; nothing was planned",
            ExitCode.ENVIRONMENT,
        )


def _copy(where: str, data: bytes) -> StateCopy:
    lineage, serial, content = identity(data)
    inventory = parse_document_bytes(data, where, stack="core", expect="state")
    managed = frozenset(r.address for r in inventory.resources if r.mode == "managed")
    return StateCopy(where, bytes_sha256(data), lineage, serial, content, managed)


def _describe(copy: StateCopy | None) -> dict | None:
    if copy is None:
        return None
    return {
        "where": copy.where, "sha256": copy.sha256, "content_sha256": copy.content,
        "lineage": copy.lineage, "serial": copy.serial, "resources": len(copy.managed),
    }


def migrate(request: Request, terraform: Terraform, clients: ClientFactory) -> tuple[kernel.Applied | None, Path]:
    """Move core's applied local state into the bucket, verify it, retire the local copy.

    Returns the `deploy-migrate` snapshot's path, and an `Applied` failure when the move
    could not be verified (None when it was)."""
    gathered = Gathered()
    local_path = local_state_path()
    config = request.config
    remote_where = f"s3://{config.backend.state_bucket}/{config.state_key('core')}"
    try:
        local_data = read_regular_file(local_path)
        local = _copy(str(local_path), local_data)
    except (RefusedFile, InputError) as exc:
        raise StackguardError(f"core's bootstrap state cannot be read after the apply: {exc}", ExitCode.ENVIRONMENT) from None
    gathered.inputs[str(local_path)] = local.sha256
    remote, problem = None, None
    try:
        synthesize(config, request.out_dir, bootstrap=False)
        terraform.migrate_state()
        remote_data = _state_object(request, clients)
        if remote_data is None:
            problem = f"no object at {remote_where} after `{terraform.name} init -migrate-state`"
        else:
            remote = _copy(remote_where, remote_data)
            gathered.inputs[remote_where] = remote.sha256
    except (TerraformFailed, StackguardError, InputError) as exc:
        problem = str(exc)
    gathered.add(migration_findings("core", local, remote, problem))
    retired = _retire(local_path) if not gathered.blocks else []
    gathered.details.update({
        "stack": "core", "local_state": _describe(local), "remote_state": _describe(remote),
        "problem": problem, "retired": retired,
    })
    snapshot, path = kernel.record(request, LANE_MIGRATE, gathered)
    if snapshot.overall_pass:
        return None, path
    failure = (
        f"core was applied but its state could not be verified in {remote_where}: {problem or snapshot.blockers[0].message}; "
        f"{local_path} is kept: run `stackguard deploy core --bootstrap` again to finish (snapshot {path})"
    )
    return kernel.Applied(snapshot, path, failure=failure), path


def _retire(local_path: Path) -> list[str]:
    """Remove the local state and terraform's backup of it: the bucket is now the state."""
    retired = []
    for path in (local_path, local_path.with_name(local_path.name + ".backup")):
        if path.exists():
            path.unlink()
            retired.append(str(path))
    return retired

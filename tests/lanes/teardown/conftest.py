"""Fixtures for the teardown tests: the shared fake `terraform` on PATH (tests.support)
serving a clean demo destroy plan, the copied synth and the moto account. Everything
behind the fake is real: the lane, the contract, evidence, and AWS (moto over HTTP)."""

from __future__ import annotations

import pytest

from tests.support.fake_terraform import FakeTerraform, fake_terraform  # noqa: F401 - fixture
from tests.support.operator_env import account, operator_cli, operator_process, outdir  # noqa: F401 - fixtures
from tests.support.plans import destroy_plan


@pytest.fixture
def demo_plan(stacks) -> dict:
    return destroy_plan(stacks["demo"], "demo")


@pytest.fixture
def terraform(fake_terraform, demo_plan) -> FakeTerraform:  # noqa: F811 - the imported fixture
    """By default the fake serves a clean demo destroy plan and an empty state after apply."""
    fake_terraform.plan(demo_plan)
    return fake_terraform


@pytest.fixture
def teardown(operator_cli):  # noqa: F811 - the imported fixture
    """Run `stackguard teardown ...` in this process against the copied synth."""
    return lambda *args, **kwargs: operator_cli("teardown", *args, **kwargs)

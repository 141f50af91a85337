"""The deploy refuses past the emergency stop (issue 13): spend is read before terraform
starts, no waiver applies, and spend that cannot be read blocks too. The fake terraform on
PATH, moto over HTTP (budget and Cost Explorer answers seeded)."""

from __future__ import annotations

import pytest

from tests.lanes.deploy.conftest import snapshot_codes
from tests.support.operator_env import waiving_policy
from tests.support.plans import CONFIG, create_plan


def spend_at(account, actual: str) -> None:
    budgets = account.client("budgets", region_name="us-east-1")
    account_id = account.client("sts", region_name=CONFIG.region).get_caller_identity()["Account"]
    budgets.delete_budget(AccountId=account_id, BudgetName=CONFIG.budget.name)
    from tests.guards.live.test_budget import create_budget

    create_budget(account, (10, 20, 28), actual=actual)


@pytest.mark.parametrize("stack", ["demo", "core"])
def test_spend_at_the_stop_refuses_before_terraform_starts(deploy, terraform, ready_backend, stacks, stack):
    spend_at(ready_backend, "28.00")
    terraform.plan(create_plan(stacks[stack], stack))
    run = deploy(stack, "--auto-approve")
    assert run.code == 1, run.stdout + run.stderr
    assert terraform.calls() == [], "nothing planned, nothing applied"
    snapshot = run.snapshot("deploy-plan")
    assert snapshot_codes(snapshot) == {"budget-stop-reached"}
    assert snapshot["details"]["refused"] is True and snapshot["details"]["terraform_ran"] is False


def test_no_waiver_reaches_the_stop(deploy, terraform, ready_backend, tmp_path):
    spend_at(ready_backend, "29.00")
    policy = waiving_policy(tmp_path, ("budget-stop-reached", "spend:budget"))
    run = deploy("core", "--auto-approve", policy=policy)
    assert run.code == 2 and "budget-stop-reached" in run.stderr
    assert terraform.calls() == []


def test_a_budget_that_cannot_be_read_refuses_the_deploy(deploy, terraform, ready_backend):
    account_id = ready_backend.client("sts", region_name=CONFIG.region).get_caller_identity()["Account"]
    ready_backend.client("budgets", region_name="us-east-1").delete_budget(AccountId=account_id, BudgetName=CONFIG.budget.name)
    run = deploy("core", "--auto-approve")
    assert run.code == 1
    assert terraform.calls() == []
    [finding] = [f for f in run.snapshot("deploy-plan")["findings"] if f["status"] != "PASS"]
    assert (finding["code"], finding["status"]) == ("budget-stop-reached", "ERROR")
    assert "reported no actual spend" in finding["message"]

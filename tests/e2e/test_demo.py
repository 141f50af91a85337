"""demo, for real, through the lanes an operator runs: `stackguard deploy`, `check live` and
`teardown`, the console script against terraform, the AWS provider and the emulated account
core made (tests/e2e/conftest.py).

The steps build on each other, in this order, each a module fixture that asks for the steps
before it, so any test also runs alone (and in any order):

1. `deploy core` again: nothing to change (`core_redeploy`);
2. `deploy demo`, in manual confluent mode, SSM parameters seeded (`demo_deploy`);
3. `check live`, every section, with demo up (`live_with_demo`);
4. a NAT gateway added to demo's code is refused before apply (`nat_refusal`);
7. a lock held by a real terraform process blocks deploy and teardown (`lock_refusals`);
8. a plan made stale while the operator is asked to confirm is refused by terraform and
   reported (`stale_teardown`);
5. `teardown plan demo`, then `teardown run demo` (`demo_torn_down`, after every step that
   needs demo up);
6. `teardown run core` is refused (`core_teardown_refused`).

demo's database makes the two slowest steps: the provider waits a fixed minute before it
first polls an RDS instance it creates or deletes.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from foundation.clock import utc_now
from guards import catalog
from guards.documents import load_state, load_synth
from guards.live.cost import month_to_date_window
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import (
    NO_CHANGES,
    SEEDED_SPEND_USD,
    Core,
    seed_manual_parameters,
    stackguard_script,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ENVIRONMENT = "dev_min"
PROMPT = b"Type the stack name"
PROMPT_SECONDS = 300
LOCK_SECONDS = 60
#: Left out of the project's copy: history, build output, evidence and caches.
NOT_COPIED = (".git", "cdktf.out", "runs", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "node_modules")


# -- running the lanes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One stackguard command: its exit code, its streams and the evidence it wrote."""

    run_id: str
    code: int
    stdout: str
    stderr: str
    evidence: Path

    def snapshot(self, lane: str) -> dict | None:
        """This run's snapshot of `lane`, or None when the lane wrote none."""
        path = self.evidence / ENVIRONMENT / lane / self.run_id / f"{lane}_snapshot.json"
        return json.loads(path.read_text()) if path.is_file() else None

    def blockers(self, lane: str) -> list[dict]:
        snapshot = self.snapshot(lane)
        assert snapshot is not None, f"no {lane} snapshot: {self.stderr[-2000:]}"
        return snapshot["blockers"]

    def failed(self) -> str:
        return f"exit {self.code}:\n{self.stderr[-3000:]}"


@dataclass(frozen=True)
class Lanes:
    """The operator commands, with the e2e configuration and policy and one evidence tree."""

    core: Core

    @property
    def evidence(self) -> Path:
        return self.core.engine.root / "runs"

    def options(self, run_id: str) -> list[str]:
        return [
            "--config", str(self.core.engine.config_file), "--policy", str(self.core.engine.policy_file),
            "--evidence-dir", str(self.evidence), "--run-id", run_id, "--format", "json",
        ]  # fmt: skip

    def run(self, *args: str, run_id: str, project: Path | None = None) -> Run:
        answer = self.core.engine.stackguard(*args, *self.options(run_id), project=project)
        return Run(run_id, answer.returncode, answer.stdout, answer.stderr, self.evidence)

    def state(self, stack: str) -> bytes:
        """The stack's state object as the S3 backend holds it (b"" when there is none)."""
        config = self.core.config
        try:
            answer = self.core.engine.client("s3").get_object(
                Bucket=config.backend.state_bucket, Key=config.state_key(stack)
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return b""
            raise
        return answer["Body"].read()

    def managed(self, stack: str) -> set[str]:
        """The managed addresses the backend's state of `stack` holds."""
        path = self.core.engine.root / f"{stack}-{time.monotonic_ns()}.tfstate"
        path.write_bytes(self.state(stack))
        return {r.address for r in load_state(path, stack).resources if r.mode == "managed"}

    def workdir(self, stack: str) -> Path:
        return self.core.outdir / "stacks" / stack


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def lanes(core_deployed: Core) -> Lanes:
    return Lanes(core_deployed)


# -- 1. core, deployed again through the lane -----------------------------------------------


@pytest.fixture(scope="module")
def core_redeploy(lanes: Lanes) -> Run:
    return lanes.run("deploy", "core", "--auto-approve", run_id="e2e-core-redeploy")


def test_core_deploys_again_with_no_changes(core_redeploy):
    assert core_redeploy.code == 0, core_redeploy.failed()
    plan = core_redeploy.snapshot("deploy-plan")
    assert plan["overall_pass"] and plan["details"]["terraform_ran"] is True
    assert plan["details"]["planned_changes"] == {}


def test_core_deploy_checks_live_after_apply(core_redeploy):
    live = core_redeploy.snapshot("deploy-live")
    assert live is not None, core_redeploy.failed()
    assert live["overall_pass"] is True, live["blockers"]
    assert live["details"]["sections"] == ["backend", "infra"]


# -- 2. demo, manual confluent mode ---------------------------------------------------------


@pytest.fixture(scope="module")
def manual_parameters(lanes: Lanes) -> dict[str, str]:
    return seed_manual_parameters(lanes.core.engine)


@pytest.fixture(scope="module")
def demo_deploy(lanes: Lanes, core_redeploy: Run, manual_parameters: dict[str, str], nat_project: NatProject) -> Run:
    """(`nat_project` only so that its synthesis overlaps this deploy's wait on RDS.)"""
    return lanes.run("deploy", "demo", "--auto-approve", run_id="e2e-demo-deploy")


@pytest.fixture(scope="module")
def demo_deployed(demo_deploy: Run) -> Run:
    """demo is up: what every later step starts from."""
    if demo_deploy.code != 0:
        pytest.fail(f"stackguard deploy demo did not deploy demo ({demo_deploy.failed()})")
    return demo_deploy


def test_demo_deploys_in_manual_confluent_mode(demo_deploy, manual_parameters, lanes):
    assert demo_deploy.code == 0, demo_deploy.failed()
    synth = json.loads((lanes.workdir("demo") / "cdk.tf.json").read_text())
    read = {block["name"] for block in synth["data"]["aws_ssm_parameter"].values()}
    assert read == set(manual_parameters.values())
    assert "terraform_remote_state" not in synth.get("data", {})


def test_demo_state_holds_every_synthesized_resource(demo_deployed, lanes):
    synthesized = {r.address for r in load_synth(lanes.workdir("demo") / "cdk.tf.json").resources if r.mode == "managed"}
    assert synthesized and lanes.managed("demo") == synthesized
    planned = demo_deployed.snapshot("deploy-plan")["details"]["planned_changes"]
    assert set(planned) == synthesized and set(planned.values()) == {"create"}


def test_demo_deploy_checks_live_after_apply(demo_deployed):
    live = demo_deployed.snapshot("deploy-live")
    assert live["overall_pass"] is True, live["blockers"]


# -- 3. check live, every section, with demo up ---------------------------------------------


@pytest.fixture(scope="module")
def live_with_demo(lanes: Lanes, demo_deployed: Run) -> tuple[int, dict]:
    return lanes.core.check_live("backend,infra,budget,cost", "e2e-live-demo")


def test_check_live_passes_with_demo_up(live_with_demo):
    """Every section: backend, infra, budget and cost (Cost Explorer's answer seeded through
    moto's API when the engine starts, since moto tracks no cost; Confluent billing is outside the policy's cost
    scope, ["aws"], so no Confluent API is asked)."""
    code, snapshot = live_with_demo
    assert [f for f in snapshot["findings"] if f["status"] != "PASS"] == []
    assert code == 0 and snapshot["overall_pass"] is True
    assert snapshot["details"]["sections"] == ["backend", "budget", "cost", "infra"]


def test_check_live_reads_demo_and_the_seeded_spend(live_with_demo, lanes):
    _, snapshot = live_with_demo
    config = lanes.core.config
    demo_state = f"s3://{config.backend.state_bucket}/{config.state_key('demo')}"
    assert snapshot["input_digests"][demo_state] == sha256(lanes.state("demo"))
    spend = {s["source"]: s["amount_usd"] for s in snapshot["details"]["spend"]["spend"]}
    if month_to_date_window(utc_now().date()) is not None:  # on the 1st, the window is empty and read from no API
        assert spend["aws"] == SEEDED_SPEND_USD


# -- 4. a NAT gateway in demo's code is refused before apply --------------------------------


NAT_IMPORT = "from cdktf_cdktf_provider_aws.nat_gateway import NatGateway\n"
NAT_ANCHOR = "        kafka = kafka_runtime(self, config)\n"
NAT_LINE = '        NatGateway(self, "nat", subnet_id=network.subnet_ids[0], connectivity_type="private")\n'


def project_with_a_nat(directory: Path) -> Path:
    """A copy of this project whose demo stack also creates a NAT gateway: the configuration
    cannot express one, so only code can add it."""
    project = directory / "project"
    shutil.copytree(REPO_ROOT, project, ignore=shutil.ignore_patterns(*NOT_COPIED))
    demo = project / "stacks" / "demo.py"
    source = demo.read_text()
    assert NAT_ANCHOR in source and "from constructs import Construct\n" in source
    source = source.replace(NAT_ANCHOR, NAT_ANCHOR + NAT_LINE)
    demo.write_text(source.replace("from constructs import Construct\n", NAT_IMPORT + "from constructs import Construct\n"))
    return project


@dataclass(frozen=True)
class NatProject:
    path: Path
    synth: subprocess.Popen[str]  # `stackguard synth` in the copy, started in the background

    def synthesized(self) -> Path:
        _, err = self.synth.communicate(timeout=PROMPT_SECONDS)
        if self.synth.returncode != 0:
            pytest.fail(f"stackguard synth in the copy with a NAT exited {self.synth.returncode}: {err[-2000:]}")
        return self.path


@pytest.fixture(scope="module")
def nat_project(lanes: Lanes, tmp_path_factory):
    """The copy with a NAT, synthesized in the background (the lane then finds its cdktf.out
    current): jsii's 20-odd seconds of CPU overlap demo's deploy, which spends a minute
    waiting on its database, instead of adding to the suite's time."""
    engine = lanes.core.engine
    project = project_with_a_nat(tmp_path_factory.mktemp("nat"))
    synth = subprocess.Popen(
        [stackguard_script(), "synth", "--config", str(engine.config_file)], cwd=project,
        env=engine.env | {"PYTHONPATH": str(project)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    yield NatProject(project, synth)
    if synth.poll() is None:
        synth.kill()
        synth.communicate()


@dataclass(frozen=True)
class NatAttempt:
    run: Run
    state_before: bytes
    state_after: bytes


@pytest.fixture(scope="module")
def nat_refusal(lanes: Lanes, demo_deployed: Run, nat_project: NatProject) -> NatAttempt:
    project = nat_project.synthesized()
    before = lanes.state("demo")
    run = lanes.run("deploy", "demo", "--auto-approve", run_id="e2e-demo-nat", project=project)
    return NatAttempt(run, before, lanes.state("demo"))


def test_a_nat_gateway_is_refused_by_the_plan_guard(nat_refusal):
    run = nat_refusal.run
    assert run.code == 1, run.failed()
    blockers = run.blockers("deploy-plan")
    assert {(b["code"], b["subject"]) for b in blockers} == {(catalog.FORBIDDEN_NAT_GATEWAY, "aws_nat_gateway.nat")}


def test_the_refused_nat_plan_was_judged_and_not_applied(nat_refusal):
    run = nat_refusal.run
    details = run.snapshot("deploy-plan")["details"]
    assert details["terraform_ran"] is True  # refused by the plan guard, on terraform's own plan
    # demo as deployed and nothing else: the NAT is the plan's only change.
    assert details["planned_changes"] == {"aws_nat_gateway.nat": "create"}
    assert run.snapshot("deploy-apply") is None and run.snapshot("deploy-live") is None


def test_the_refused_nat_leaves_the_account_and_state_alone(nat_refusal, lanes):
    assert lanes.core.engine.client("ec2").describe_nat_gateways()["NatGateways"] == []
    assert nat_refusal.state_after == nat_refusal.state_before


# -- 7. a lock held by a real terraform process ---------------------------------------------


def lock_item(lanes: Lanes, stack: str) -> dict | None:
    config = lanes.core.config
    lock_id = f"{config.backend.state_bucket}/{config.state_key(stack)}"
    return lanes.core.engine.client("dynamodb").get_item(
        TableName=config.backend.lock_table, Key={"LockID": {"S": lock_id}}, ConsistentRead=True
    ).get("Item")


def lockfile_exists(lanes: Lanes, stack: str) -> bool:
    config = lanes.core.config
    try:
        lanes.core.engine.client("s3").head_object(Bucket=config.backend.state_bucket, Key=f"{config.state_key(stack)}.tflock")
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


@dataclass(frozen=True)
class LockRefusals:
    holder: str  # the lock's Who, as terraform wrote it
    deploy: Run
    teardown: Run
    state_before: bytes
    state_after: bytes
    console_exit: int
    released: bool


@pytest.fixture(scope="module")
def lock_refusals(lanes: Lanes, demo_deployed: Run) -> LockRefusals:
    """`terraform console` in demo's working directory holds demo's state lock (DynamoDB item
    and S3 lockfile) for as long as it runs; closing its input ends it cleanly."""
    engine = lanes.core.engine
    before = lanes.state("demo")
    console = subprocess.Popen(
        [engine.terraform_bin, "console"], cwd=lanes.workdir("demo"), env=engine.env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while (item := lock_item(lanes, "demo")) is None:
            if console.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"terraform console did not take demo's lock: {console.communicate()[1][-2000:]}")
            time.sleep(0.5)
        holder = json.loads(item["Info"]["S"])["Who"]
        deploy = lanes.run("deploy", "demo", "--auto-approve", run_id="e2e-locked-deploy")
        teardown = lanes.run("teardown", "plan", "demo", run_id="e2e-locked-teardown")
        after = lanes.state("demo")
    finally:
        console.communicate(timeout=LOCK_SECONDS)  # end of input: the console exits, unlocking
    released = lock_item(lanes, "demo") is None and not lockfile_exists(lanes, "demo")
    return LockRefusals(holder, deploy, teardown, before, after, console.returncode, released)


def held_lock_blockers(run: Run, lane: str, holder: str) -> None:
    assert run.code == 1, run.failed()
    blockers = run.blockers(lane)
    assert blockers and {b["code"] for b in blockers} == {catalog.STATE_LOCKED}
    assert all(b["stack"] == "demo" and holder in b["message"] for b in blockers)
    # Both of terraform's locks on demo's state: the DynamoDB item and the S3 lockfile.
    assert {b["subject"].removeprefix("s3://").removesuffix(".tflock") for b in blockers} == {
        "sg-devmin-tfstate-eu-west-2/dev_min/demo/terraform.tfstate"
    } and len(blockers) == 2


def test_a_held_lock_stops_deploy(lock_refusals):
    held_lock_blockers(lock_refusals.deploy, "deploy-plan", lock_refusals.holder)


def test_a_held_lock_stops_teardown(lock_refusals):
    held_lock_blockers(lock_refusals.teardown, "teardown-contract", lock_refusals.holder)


def test_a_held_lock_stops_before_terraform_runs(lock_refusals):
    assert lock_refusals.deploy.snapshot("deploy-plan")["details"]["terraform_ran"] is False
    assert lock_refusals.teardown.snapshot("teardown-contract")["details"]["terraform_ran"] is False
    assert lock_refusals.deploy.snapshot("deploy-apply") is None
    assert lock_refusals.state_after == lock_refusals.state_before


def test_the_lock_is_gone_once_the_holder_exits(lock_refusals):
    assert lock_refusals.console_exit == 0 and lock_refusals.released


# -- 8. a stale plan, refused by terraform ---------------------------------------------------


@dataclass(frozen=True)
class AtTheTerminal:
    code: int
    stdout: str
    terminal: str  # what the terminal showed (stderr and the echo of what was typed)


def at_a_terminal(engine, args: list[str], answer: str, meanwhile: Callable[[], None]) -> AtTheTerminal:
    """Run the console script with a pseudo-terminal as its input and stderr; once it asks
    for the stack's name, run `meanwhile`, then type `answer`."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [stackguard_script(), *args], cwd=engine.root, env=engine.env,
        stdin=terminal, stdout=subprocess.PIPE, stderr=terminal, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    shown = b""

    def read(timeout: float) -> bool:
        if not select.select([controller], [], [], timeout)[0]:
            return False
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the other side closed
            return False
        nonlocal shown
        shown += chunk
        return bool(chunk)

    try:
        deadline = time.monotonic() + PROMPT_SECONDS
        while PROMPT not in shown:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"no confirmation prompt (exit {process.poll()}): {shown.decode(errors='replace')[-2000:]}")
            read(1)
        meanwhile()
        os.write(controller, answer.encode() + b"\n")
        stdout, _ = process.communicate(timeout=PROMPT_SECONDS)
        while read(0.2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    return AtTheTerminal(process.returncode, stdout.decode(errors="replace"), shown.decode(errors="replace"))


@dataclass(frozen=True)
class StaleTeardown:
    session: AtTheTerminal
    run: Run
    managed_before: set[str]
    managed_after: set[str]
    serial_bumped_to: int


@pytest.fixture(scope="module")
def stale_teardown(lanes: Lanes, demo_deployed: Run) -> StaleTeardown:
    """`teardown run demo` without --auto-approve; while it waits for the name, another
    process writes demo's state through the backend (same resources, serial + 1, as any
    apply would), then the name is typed."""
    engine = lanes.core.engine
    workdir = lanes.workdir("demo")
    before = lanes.managed("demo")
    bumped: list[int] = []

    def write_state() -> None:
        state = json.loads(engine.terraform(workdir, "state", "pull").stdout)
        state["serial"] += 1
        pushed = engine.root / "demo-bumped.tfstate"
        pushed.write_text(json.dumps(state))
        engine.terraform(workdir, "state", "push", str(pushed))
        bumped.append(state["serial"])

    run_id = "e2e-stale-teardown"
    session = at_a_terminal(engine, ["teardown", "run", "demo", *lanes.options(run_id)], "demo", write_state)
    run = Run(run_id, session.code, session.stdout, session.terminal, lanes.evidence)
    return StaleTeardown(session, run, before, lanes.managed("demo"), bumped[0])


def test_a_stale_plan_is_refused_and_reported(stale_teardown):
    session = stale_teardown.session
    assert session.code == 3, session.terminal[-3000:]
    errors = [line for line in session.terminal.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "stale" in errors[0] and "stackguard teardown plan demo" in errors[0]


def test_the_stale_plan_is_recorded_in_the_proof(stale_teardown):
    proof = stale_teardown.run.snapshot("teardown")
    assert proof is not None, stale_teardown.session.terminal[-3000:]
    apply = proof["details"]["apply"]
    assert apply["attempted"] is True and apply["completed"] is False and "stale" in apply["reason"]
    assert proof["details"]["destroyed"] == []
    assert set(proof["details"]["not_destroyed"]) == stale_teardown.managed_before
    assert catalog.DESTROY_APPLY_FAILED in {b["code"] for b in proof["blockers"]}
    assert stale_teardown.run.snapshot("teardown-verify") is None


def test_the_stale_plan_destroyed_nothing(stale_teardown, lanes):
    assert stale_teardown.managed_after == stale_teardown.managed_before
    # The state is the one the other process wrote, not one terraform's apply wrote.
    assert json.loads(lanes.state("demo"))["serial"] >= stale_teardown.serial_bumped_to
    database = lanes.core.engine.client("rds").describe_db_instances()["DBInstances"]
    assert [db["DBInstanceIdentifier"] for db in database] == [lanes.core.config.physical_name("demo", "db")]


# -- 5. demo torn down ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_teardown_plan(lanes: Lanes, demo_deployed: Run, live_with_demo, nat_refusal, lock_refusals, stale_teardown) -> Run:
    """After every step that needs demo up."""
    return lanes.run("teardown", "plan", "demo", run_id="e2e-demo-teardown-plan")


@pytest.fixture(scope="module")
def demo_torn_down(lanes: Lanes, demo_teardown_plan: Run) -> Run:
    return lanes.run("teardown", "run", "demo", "--auto-approve", run_id="e2e-demo-teardown")


def test_teardown_plan_holds_for_demo(demo_teardown_plan, lanes):
    assert demo_teardown_plan.code == 0, demo_teardown_plan.failed()
    contract = demo_teardown_plan.snapshot("teardown-contract")
    assert set(contract["details"]["destroy_set"]) == lanes.managed("demo")


def test_teardown_run_empties_demo(demo_torn_down, lanes):
    assert demo_torn_down.code == 0, demo_torn_down.failed()
    assert lanes.managed("demo") == set()


def test_teardown_run_leaves_no_residuals(demo_torn_down):
    verify = demo_torn_down.snapshot("teardown-verify")
    assert verify["overall_pass"] is True, verify["blockers"]
    assert verify["details"]["state_resources_left"] == 0
    assert verify["details"]["live_residuals"] == [] and verify["details"]["active_task_definitions"] == []


def test_teardown_run_keeps_core(demo_torn_down, lanes):
    engine, config = lanes.core.engine, lanes.core.config
    engine.client("s3").head_bucket(Bucket=config.backend.state_bucket)
    engine.client("s3").head_bucket(Bucket=config.evidence.bucket)
    assert engine.client("dynamodb").describe_table(TableName=config.backend.lock_table)["Table"]["TableStatus"] == "ACTIVE"
    account = engine.client("sts").get_caller_identity()["Account"]
    budget = engine.client("budgets").describe_budget(AccountId=account, BudgetName=config.budget.name)
    assert budget["Budget"]["BudgetName"] == config.budget.name


# -- 6. core is not torn down ----------------------------------------------------------------


@dataclass(frozen=True)
class CoreRefusal:
    run: Run
    state_before: bytes
    state_after: bytes


@pytest.fixture(scope="module")
def core_teardown_refused(lanes: Lanes, demo_torn_down: Run) -> CoreRefusal:
    before = lanes.state("core")
    run = lanes.run("teardown", "run", "core", "--auto-approve", run_id="e2e-core-teardown")
    return CoreRefusal(run, before, lanes.state("core"))


@pytest.fixture(scope="module")
def core_replan(lanes: Lanes, demo_torn_down: Run, core_teardown_refused: CoreRefusal) -> int:
    """core planned again once both teardowns are over (one plan serves both: the refused
    one stops before terraform runs)."""
    return lanes.core.plan_exit()


def test_core_replans_clean_after_demo_teardown(demo_torn_down, core_replan):
    assert core_replan == NO_CHANGES


def test_teardown_of_core_is_refused(core_teardown_refused):
    run = core_teardown_refused.run
    assert run.code == 1, run.failed()
    assert [(b["code"], b["subject"]) for b in run.blockers("teardown-contract")] == [(catalog.DESTROY_OUT_OF_SCOPE, "core")]


def test_refused_core_teardown_destroys_nothing(core_teardown_refused, core_replan, lanes):
    refusal = core_teardown_refused
    assert refusal.run.snapshot("teardown-contract")["details"]["terraform_ran"] is False
    assert refusal.run.snapshot("teardown-verify") is None and refusal.run.snapshot("teardown") is None
    assert refusal.state_after == refusal.state_before
    assert lanes.managed("core") == {r.address for r in load_synth(lanes.workdir("core") / "cdk.tf.json").resources if r.mode == "managed"}
    assert core_replan == NO_CHANGES

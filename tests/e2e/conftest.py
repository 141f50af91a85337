"""The real engine against an emulated account: terraform and the hashicorp/aws provider
from the local mirror, driven against moto in server mode (tests/support/moto_server.py).

Once per session (per pytest-xdist worker: each worker that runs an e2e module has an
emulated account of its own): the moto server (its own process, every shim), the terraform CLI
configuration (filesystem mirror only), an e2e `platform.toml` (the shipped one, pinned to
the mirror's provider and few retries) and the environment every subprocess runs in. That
environment is built from scratch for AWS: no variable of the caller's reaches terraform
or stackguard, so a real account cannot be touched.

A machine without terraform or the mirror skips these tests with the reason, unless
STACKGUARD_E2E_REQUIRED=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import selectors
import shutil
import string
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from stacks.config import load_config
from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process
from tests.support.moto_server import write_tls_files

REQUIRED_VARIABLE = "STACKGUARD_E2E_REQUIRED"
MIRROR_VARIABLE = "STACKGUARD_TF_MIRROR"
DEFAULT_MIRROR = Path("/opt/tf-plugins")
PROVIDER_VERSION = "5.100.0"
TERRAFORM_MINIMUM = (1, 10)  # the S3 backend's use_lockfile
#: Provider retries on a refused call: low, so an emulator gap fails in seconds, not minutes.
MAX_RETRIES = 2
REGION = "eu-west-2"
SERVER_START_SECONDS = 60
POLICY_FILE = REPO_ROOT / "policy.toml"  # the shipped policy; the e2e copy narrows cost.scope
#: Month-to-date Cost Explorer spend the emulated account reports (well below the stop).
SEEDED_SPEND_USD = "4.20"
TERRAFORM_SECONDS = 600

CLI_CONFIG = """provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
"""


def _platform_dir() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower(), platform.machine())
    return f"{sys.platform}_{machine}"


def _terraform_version(binary: str) -> tuple[int, ...] | None:
    try:
        answer = subprocess.run([binary, "version", "-json"], capture_output=True, text=True, timeout=60, check=False)
        text = json.loads(answer.stdout)["terraform_version"]
        return tuple(int(part) for part in text.split("-")[0].split("."))
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None


def missing_engine(mirror: Path) -> str | None:
    """Why the real engine cannot run here, or None when it can."""
    binary = shutil.which("terraform")
    if binary is None:
        return "terraform is not on PATH"
    version = _terraform_version(binary)
    if version is None or version[:2] < TERRAFORM_MINIMUM:
        shown = ".".join(map(str, version)) if version else "unreadable"
        return f"terraform {shown} at {binary}: {'.'.join(map(str, TERRAFORM_MINIMUM))} or later is needed"
    provider = mirror / "registry.terraform.io" / "hashicorp" / "aws" / PROVIDER_VERSION / _platform_dir()
    if not provider.is_dir():
        return f"no hashicorp/aws {PROVIDER_VERSION} in the provider mirror ({provider} is missing; set {MIRROR_VARIABLE})"
    return None


def _fake_short_lived_credentials() -> dict[str, str]:
    """Session credentials in AWS's shapes (ASIA...: short-lived, so no static-credentials
    finding), random so nothing can mistake them for real ones."""
    upper = string.ascii_uppercase + string.digits
    return {
        "AWS_ACCESS_KEY_ID": "ASIA" + "".join(secrets.choice(upper) for _ in range(16)),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
        "AWS_SESSION_TOKEN": secrets.token_urlsafe(60),
    }


def _clean_environment() -> dict[str, str]:
    """The caller's environment without anything that steers AWS or terraform."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "STACKGUARD_"))}


#: Where demo reads Kafka's endpoint and credentials in manual mode: the e2e account has no
#: confluent stack (its provider is not in the mirror), so demo takes SSM parameters that
#: `seed_manual_parameters` writes, as an operator of a cluster managed elsewhere would.
MANUAL_PARAMETERS = {
    "bootstrap_servers": "/devmin/e2e/kafka/bootstrap_servers",
    "api_key": "/devmin/e2e/kafka/api_key",
    "api_secret": "/devmin/e2e/kafka/api_secret",
}


def write_e2e_policy(directory: Path) -> Path:
    """The shipped policy with cost.scope pinned to AWS: the emulator has no Confluent
    billing API, and the deploy's spend gate asks every scoped source."""
    import tomli_w

    policy = tomllib.loads(POLICY_FILE.read_text())
    policy.setdefault("cost", {})["scope"] = ["aws"]
    path = directory / "policy.toml"
    path.write_text(tomli_w.dumps(policy))
    return path


def seed_cost_and_usage(endpoint: str, ca_bundle: str, amount_usd: str = SEEDED_SPEND_USD) -> None:
    """moto tracks no cost: queue the month-to-date answer `GetCostAndUsage` will give, through
    moto's own API (the next request takes it and keeps it for the same parameters), before
    any lane reads spend (the deploy's spend gate does, from the bootstrap on)."""
    import ssl
    import urllib.request

    from foundation.clock import utc_now
    from guards.live.cost import month_to_date_window

    today = utc_now().date()
    window = month_to_date_window(today) or (today, today)
    result = {
        "ResultsByTime": [{
            "TimePeriod": {"Start": window[0].isoformat(), "End": window[1].isoformat()},
            "Total": {"UnblendedCost": {"Amount": amount_usd, "Unit": "USD"}},
            "Groups": [],
            "Estimated": True,
        }],
        "DimensionValueAttributes": [],
    }  # fmt: skip
    request = urllib.request.Request(
        f"{endpoint}/moto-api/static/ce/cost-and-usage-results",
        data=json.dumps({"results": [result]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    tls = ssl.create_default_context(cafile=ca_bundle)
    with urllib.request.urlopen(request, context=tls, timeout=30) as answer:
        assert answer.status == 201


def write_e2e_config(directory: Path) -> Path:
    """The shipped platform.toml, pinned to the mirror's provider and a low retry count,
    with demo in manual confluent mode (core's synthesized JSON does not depend on it)."""
    import tomli_w

    config = tomllib.loads(CONFIG_FILE.read_text())
    config["tooling"] |= {"aws_provider_version": PROVIDER_VERSION, "aws_max_retries": MAX_RETRIES}
    config["demo"] |= {"confluent_source": "manual", "manual_parameters": dict(MANUAL_PARAMETERS)}
    path = directory / "platform.toml"
    path.write_text(tomli_w.dumps(config))
    return path


def stackguard_script() -> str:
    binary = shutil.which("stackguard", path=str(Path(sys.executable).parent))
    assert binary, "the stackguard console script is not installed (pip install -e '.[test]')"
    return binary


def seed_manual_parameters(engine: Engine) -> dict[str, str]:
    """What an operator of a Kafka cluster managed elsewhere puts in SSM for demo's manual
    mode: the endpoint as a String, the API key and secret as SecureStrings (demo reads only
    their ARNs). Returns the parameters' names by field."""
    ssm = engine.client("ssm")
    values = {
        "bootstrap_servers": ("pkc-e2e.eu-west-2.aws.confluent.cloud:9092", "String"),
        "api_key": ("E2EKAFKAKEY00001", "SecureString"),
        "api_secret": (secrets.token_urlsafe(32), "SecureString"),
    }
    for field_name, (value, kind) in values.items():
        ssm.put_parameter(Name=MANUAL_PARAMETERS[field_name], Value=value, Type=kind, Overwrite=True)
    return dict(MANUAL_PARAMETERS)


@dataclass(frozen=True)
class Engine:
    """What the e2e tests share: the emulated account's endpoints and the run environment."""

    root: Path
    endpoint: str  # HTTPS: what terraform, stackguard and boto3 use
    plain_endpoint: str  # plain HTTP to the same account
    env: dict[str, str]
    config_file: Path
    terraform_bin: str
    policy_file: Path

    def terraform(self, workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """`terraform ARGS` in `workdir`; a failure shows terraform's own last words."""
        answer = subprocess.run(
            [self.terraform_bin, *args], cwd=workdir, env=self.env, capture_output=True, text=True,
            timeout=TERRAFORM_SECONDS, check=False,
        )
        if check and answer.returncode != 0:
            pytest.fail(
                f"terraform {' '.join(args)} exited {answer.returncode} (moto's log: {self.root / 'moto-server.log'}):\n"
                f"{answer.stderr[-3000:]}\n{answer.stdout[-2000:]}"
            )
        return answer

    def stackguard(self, *args: str, project: Path | None = None) -> subprocess.CompletedProcess[str]:
        """The installed console script, run as a user would, in this environment: from the
        engine's root on this checkout, or from inside another copy of the project."""
        env = self.env if project is None else self.env | {"PYTHONPATH": str(project)}
        return subprocess.run(
            [stackguard_script(), *args], cwd=project or self.root, env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )

    def client(self, service: str, *, plain: bool = False):
        """A boto3 client on the emulated account: HTTPS, or plain HTTP when `plain`."""
        import boto3
        from botocore.config import Config

        return boto3.Session(region_name=REGION).client(
            service,
            endpoint_url=self.plain_endpoint if plain else self.endpoint,
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=self.env["AWS_SESSION_TOKEN"],
            verify=self.env["AWS_CA_BUNDLE"],
            config=Config(retries={"max_attempts": 1}),
        )


def _start_server(root: Path, cert: Path, key: Path) -> tuple[subprocess.Popen[str], dict[str, int]]:
    """The server process and its ports, read from the line it prints once it listens."""
    log = (root / "moto-server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.moto_server", "--cert", str(cert), "--key", str(key)],
        cwd=REPO_ROOT,
        env=_clean_environment() | {"PYTHONPATH": str(REPO_ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    with selectors.DefaultSelector() as ready:
        ready.register(server.stdout, selectors.EVENT_READ)
        line = server.stdout.readline() if ready.select(SERVER_START_SECONDS) else ""
    if not line:
        server.kill()
        server.wait()
        pytest.fail(f"the moto server did not start; its log: {root / 'moto-server.log'}")
    return server, json.loads(line)


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Engine:
    mirror = Path(os.environ.get(MIRROR_VARIABLE, DEFAULT_MIRROR))
    if (reason := missing_engine(mirror)) is not None:
        if os.environ.get(REQUIRED_VARIABLE) == "1":
            pytest.fail(f"end-to-end tests are required ({REQUIRED_VARIABLE}=1) but cannot run: {reason}")
        pytest.skip(f"end-to-end tests need the real engine: {reason}")
    root = tmp_path_factory.mktemp("e2e")
    cert, key = write_tls_files(root)
    cli_config = root / "terraform.rc"
    cli_config.write_text(CLI_CONFIG.format(mirror=mirror))
    server, ports = _start_server(root, cert, key)
    env = _clean_environment() | _fake_short_lived_credentials() | {
        "AWS_ENDPOINT_URL": f"https://127.0.0.1:{ports['https']}",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CA_BUNDLE": str(cert),  # boto3 and the provider's SDK
        "SSL_CERT_FILE": str(cert),  # Go's TLS (terraform's S3 backend)
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "PYTHONPATH": str(REPO_ROOT),  # the console script runs this checkout
    }
    try:
        seed_cost_and_usage(env["AWS_ENDPOINT_URL"], str(cert))
        yield Engine(
            root=root,
            endpoint=env["AWS_ENDPOINT_URL"],
            plain_endpoint=f"http://127.0.0.1:{ports['http']}",
            env=env,
            config_file=write_e2e_config(root),
            terraform_bin=shutil.which("terraform") or "terraform",
            policy_file=write_e2e_policy(root),
        )
    finally:
        server.stdin.close()  # the server's cue to stop
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


NO_CHANGES, CHANGES = 0, 2  # terraform plan -detailed-exitcode


@dataclass(frozen=True)
class Core:
    engine: Engine
    outdir: Path  # cdktf.out
    workdir: Path  # cdktf.out/stacks/core

    @property
    def config(self):
        return load_config(self.engine.config_file)

    def synth(self, *, bootstrap: bool) -> None:
        """`stackguard synth` in this process (jsii is loaded once per session), from the
        engine's root, where --bootstrap puts core's local state."""
        args = ["synth", "--out", str(self.outdir), "--config", str(self.engine.config_file)]
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(self.engine.root)
            code, _, err = in_process(*args, *(["--bootstrap"] if bootstrap else []))
        assert code == 0, err

    def show(self) -> Path:
        answer = self.engine.terraform(self.workdir, "show", "-json", "-no-color")
        path = self.engine.root / "core-show.json"
        path.write_text(answer.stdout)
        return path

    def plan_exit(self) -> int:
        answer = self.engine.terraform(
            self.workdir, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=30s", check=False
        )
        assert answer.returncode in (NO_CHANGES, CHANGES), answer.stderr[-3000:]
        return answer.returncode

    def check_live(self, sections: str, run_id: str) -> tuple[int, dict]:
        answer = self.engine.stackguard(
            "check", "live", "--only", sections, "--config", str(self.engine.config_file), "--policy", str(self.engine.policy_file),
            "--evidence-dir", str(self.engine.root / "runs"), "--run-id", run_id, "--format", "json",
        )  # fmt: skip
        assert answer.returncode in (0, 1), answer.stderr
        return answer.returncode, json.loads(answer.stdout)


@dataclass(frozen=True)
class LaneRun:
    """One `stackguard` lane run in the emulated account: its process and its evidence."""

    answer: subprocess.CompletedProcess[str]
    evidence: Path
    run_id: str

    def snapshot(self, lane: str) -> dict:
        return json.loads((self.evidence / "dev_min" / lane / self.run_id / f"{lane}_snapshot.json").read_text())

    def has_snapshot(self, lane: str) -> bool:
        return (self.evidence / "dev_min" / lane / self.run_id / f"{lane}_snapshot.json").is_file()


def run_lane(core: Core, *args: str, run_id: str) -> LaneRun:
    """`stackguard ARGS` with the e2e configuration, core's output directory and evidence
    under the engine's root (where --bootstrap keeps core's local state)."""
    evidence = core.engine.root / "runs"
    answer = core.engine.stackguard(
        *args, "--config", str(core.engine.config_file), "--policy", str(core.engine.policy_file),
        "--out", str(core.outdir), "--evidence-dir", str(evidence), "--run-id", run_id,
    )  # fmt: skip
    return LaneRun(answer, evidence, run_id)


@pytest.fixture(scope="session")
def bootstrap(engine: Engine) -> tuple[Core, LaneRun]:
    """`stackguard deploy core --bootstrap` on the empty account: core applied with local
    state, then that state moved into the bucket core made."""
    outdir = engine.root / "cdktf.out"
    core = Core(engine, outdir, outdir / "stacks" / "core")
    return core, run_lane(core, "deploy", "core", "--bootstrap", "--auto-approve", run_id="e2e-bootstrap")


@pytest.fixture(scope="session")
def core_deployed(bootstrap: tuple[Core, LaneRun]) -> Core:
    """core applied and its state in the S3 backend it made: where every later lane starts."""
    core, run = bootstrap
    if run.answer.returncode != 0:
        pytest.fail(
            f"stackguard deploy core --bootstrap exited {run.answer.returncode} (moto's log: "
            f"{core.engine.root / 'moto-server.log'}):\n{run.answer.stderr[-3000:]}\n{run.answer.stdout[-2000:]}"
        )
    return core

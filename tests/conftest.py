"""Shared fixtures. Synthesis loads the AWS provider's jsii assembly (about 20 s), so the
app is synthesized once per test session and every stack test reads those files."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import ACTIVE, corpus_file, needs_corpus  # noqa: F401  (re-exported for the tests)

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = REPO_ROOT / "platform.toml"
# The corpus the tests read: the full one outside the repository, or the vendored subset.
CORPUS = ACTIVE.root


def pytest_report_header(config) -> str:
    return ACTIVE.header()


def in_process(*args: str) -> tuple[int, str, str]:
    """Run the `stackguard` entry point in this process (fast; sees moto's env and patches)."""
    import contextlib
    import io
    from unittest import mock

    from stackguard.cli import run as cli_main

    stdout, stderr = io.StringIO(), io.StringIO()
    with mock.patch.object(sys, "argv", ["stackguard", *args]):
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            with pytest.raises(SystemExit) as exited:
                cli_main()
    return exited.value.code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def platform_config():
    from stacks.config import load_config

    return load_config(CONFIG_FILE)


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory, platform_config) -> Path:
    """The default configuration, synthesized once through the same path the CLI uses."""
    from stackguard.synth import synthesize

    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    synthesize(platform_config, outdir)
    return outdir


@pytest.fixture(scope="session")
def stacks(synth_dir) -> dict[str, dict[str, Any]]:
    """Each stack's cdk.tf.json as a dict, keyed by stack name."""
    return {
        path.parent.name: json.loads(path.read_text())
        for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    }


@pytest.fixture(scope="session")
def stackguard_bin() -> list[str]:
    """The installed console script, run as a user would."""
    found = shutil.which("stackguard", path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    assert found, "the stackguard console script is not installed (pip install -e '.[test]')"
    return [found]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto in server mode on a free loopback port, started once per session."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint, monkeypatch):
    """A boto3 session that reaches only the moto server (real HTTP), reset for each test."""
    import urllib.request

    import boto3

    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"), timeout=30)
    return boto3.Session(region_name="eu-west-2")


@pytest.fixture
def subscribers_served(monkeypatch):
    """The moto server answers budgets `DescribeSubscribersForNotification` (see the shim)."""
    from tests.support.moto_server import serve_budget_subscribers

    serve_budget_subscribers(monkeypatch)

"""`stackguard doctor` and `stackguard init` from the command line: lines, markers, exit codes."""

from __future__ import annotations

import os

import pytest

from stackguard.cli.doctor import ASCII_MARKERS, UNICODE_MARKERS, line
from stackguard.lanes.doctor import Check, Status
from tests.conftest import CONFIG_FILE, REPO_ROOT, in_process

POLICY = str(REPO_ROOT / "policy.toml")
TEMPORARY = {"AWS_ACCESS_KEY_ID": "ASIAQWERTYUIOPASDFGH", "AWS_SECRET_ACCESS_KEY": "q" * 40, "AWS_SESSION_TOKEN": "t" * 40}


def test_a_line_has_its_marker_and_what_to_do():
    failing = Check("terraform", Status.FAIL, "not on PATH", "install it")
    assert line(failing, ASCII_MARKERS) == "FAIL terraform: not on PATH -> install it"
    assert line(failing, UNICODE_MARKERS) == "✗ terraform: not on PATH -> install it"
    assert line(Check("node", Status.OK, "Node.js 22", "unused"), UNICODE_MARKERS) == "✓ node: Node.js 22"
    assert line(Check("names", Status.WARN, "examples", "rename"), UNICODE_MARKERS) == "! names: examples -> rename"


def own_config(tmp_path, moto_account: str = "123456789012"):
    """A configuration of our own, written by `stackguard init`."""
    target = tmp_path / "platform.toml"
    code, out, err = in_process(
        "init", "--account", moto_account, "--prefix", "acme", "--repository", "acme/platform",
        "--email", "ops@acme.io", "--output", str(target),
    )
    assert code == 0, err
    return target


def ready_backend(aws, bucket: str, table: str) -> None:
    from tests.lanes.test_doctor import lock_table, ready_bucket

    ready_bucket(aws, bucket)
    lock_table(aws, table)


@pytest.fixture
def terraform_on_path(tmp_path, monkeypatch):
    """A terraform 1.11 first on PATH, whatever the machine has."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text("#!/bin/sh\necho '{\"terraform_version\":\"1.11.0\"}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def test_all_hold_is_exit_0(aws, tmp_path, monkeypatch, terraform_on_path):
    for name, value in TEMPORARY.items():
        monkeypatch.setenv(name, value)
    config = own_config(tmp_path)
    ready_backend(aws, "acme-tfstate-123456789012-eu-west-2", "acme-tf-locks")
    code, out, err = in_process("doctor", "--config", str(config), "--policy", POLICY)
    assert code == 0, out + err
    assert "ok   credentials: temporary (ASIA..., with a session token) from env" in out
    assert "ok   state bucket: s3://acme-tfstate-123456789012-eu-west-2 exists and is ready" in out
    assert out.splitlines()[-1].endswith("ready to deploy")
    assert TEMPORARY["AWS_ACCESS_KEY_ID"] not in out + err and "q" * 40 not in out + err


def test_a_missing_backend_and_static_keys_are_exit_1(aws, tmp_path):
    config = own_config(tmp_path)  # moto's fixture keys are static: no session token
    code, out, err = in_process("doctor", "--config", str(config), "--policy", POLICY)
    assert code == 1, out
    assert "FAIL credentials: static (TEST..., no session token)" in out, out
    assert "FAIL state bucket:" in out and "FAIL lock table:" in out
    assert "testing" not in out


def test_offline_and_shipped_names(aws, terraform_on_path):
    code, out, _ = in_process("doctor", "--config", str(CONFIG_FILE), "--policy", POLICY, "--offline",
                              "--allow-static-credentials")
    assert "WARN backend: not checked (--offline)" in out
    assert "WARN names: still the shipped examples" in out and "must be unique" in out
    assert "WARN credentials:" in out
    assert "ok   terraform: terraform 1.11.0" in out and code == 0, out


def test_bad_configuration_is_exit_2(tmp_path):
    bad = tmp_path / "platform.toml"
    bad.write_text("[backend]\nstate_bucket = 'UPPER'\n")
    code, out, _ = in_process("doctor", "--config", str(bad), "--policy", POLICY, "--offline")
    assert code == 2 and "FAIL configuration:" in out
    assert out.splitlines()[-1].endswith("the configuration does not load")


def test_init_writes_valid_unique_names(tmp_path):
    from stacks.config import load_config

    config = load_config(own_config(tmp_path, "210987654321"))
    assert config.backend.state_bucket == "acme-tfstate-210987654321-eu-west-2"
    assert config.evidence.bucket == "acme-evidence-210987654321-eu-west-2"


def test_init_asks_sts_without_an_account(aws, tmp_path):
    target = tmp_path / "mine.toml"
    code, out, err = in_process("init", "--output", str(target))
    assert code == 0, err
    assert "devmin-tfstate-123456789012-eu-west-2" in target.read_text()
    assert "alert_emails is still the shipped example" in err


def test_init_without_credentials_or_account_is_one_line(tmp_path, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, _, err = in_process("init", "--output", str(tmp_path / "x.toml"))
    assert code == 3 and "pass --account ID" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.toml").exists()


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "platform.toml"
    target.write_text("mine\n")
    code, _, err = in_process("init", "--account", "123456789012", "--output", str(target))
    assert code == 2 and "--force" in err and target.read_text() == "mine\n"
    code, _, _ = in_process("init", "--account", "123456789012", "--output", str(target), "--force")
    assert code == 0 and "devmin-tfstate-123456789012" in target.read_text()
    assert os.listdir(tmp_path) == ["platform.toml"]


def test_markers_at_a_terminal_and_off_it(monkeypatch):
    import io

    from stackguard.cli import doctor

    class Terminal(io.StringIO):
        def __init__(self, encoding):
            super().__init__()
            self._encoding = encoding

        encoding = property(lambda self: self._encoding)

        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdout", Terminal("utf-8"))
    assert doctor._markers() is UNICODE_MARKERS
    monkeypatch.setattr("sys.stdout", Terminal("ascii"))  # a terminal that cannot show them
    assert doctor._markers() is ASCII_MARKERS
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert doctor._markers() is ASCII_MARKERS


@pytest.mark.parametrize(
    "arguments",
    [["--prefix", "sg-acme"], ["--prefix", "UPPER"], ["--region", "mars-1"], ["--account", "12345"]],
)
def test_init_rejects_invalid_choices_and_writes_nothing(tmp_path, arguments):
    account = [] if "--account" in arguments else ["--account", "123456789012"]
    code, _, err = in_process("init", *account, *arguments, "--output", str(tmp_path / "p.toml"))
    assert code == 2 and err.startswith("error:") and len(err.strip().splitlines()) == 1
    assert os.listdir(tmp_path) == []


def test_help_explains(tmp_path):
    code, out, _ = in_process("doctor", "--help")
    assert code == 0 and "--offline" in out and "1.10" in out
    code, out, _ = in_process("init", "--help")
    assert code == 0 and "--force" in out and "tfstate" in out

"""What terraform prints is scrubbed of the lane's secrets where it enters, and logged whole
to the run's log (0600, never over a file, machine output left out); a failure is one line
that names the log (its shape: tests/test_terraform_errors.py); an apply survives interrupts."""

from __future__ import annotations

import json
import os
import signal

import pytest

from stackguard.terraform import Scrubber, Terraform, TerraformFailed, find_binary
from stackguard.terraform_log import TerraformLog
from tests.support.fake_terraform import FakeTerraform, install

# -- the scrubber: every credential the lane knows ---------------------------------------------

SECRET, TOKEN = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLETOKEN"


def test_every_known_secret_is_scrubbed_from_text_and_data():
    scrubber = Scrubber.of([SECRET, TOKEN, None, ""])
    text = f"Error: signature with {SECRET} and {TOKEN} for ASIAIOSFODNN7EXAMPLE"
    assert scrubber.text(text) == "Error: signature with (redacted) and (redacted) for (redacted)"
    data = json.dumps({"value": f"x{SECRET}y", "token": TOKEN}).encode()
    assert json.loads(scrubber.data(data)) == {"value": "x(redacted)y", "token": "(redacted)"}


def test_a_value_inside_a_longer_one_leaves_nothing_of_either():
    scrubber = Scrubber.of(["abcdefgh", "abcdefghijklmnop"])
    assert scrubber.text("k=abcdefghijklmnop") == "k=(redacted)"


def test_values_too_short_to_be_credentials_are_left_alone():
    assert Scrubber.of(["token", "testing"]).text("session_token testing") == "session_token testing"


@pytest.fixture
def fake(tmp_path, monkeypatch) -> FakeTerraform:
    return install(tmp_path / "fake-terraform", monkeypatch)


def test_terraform_output_is_scrubbed_where_it_enters(fake, tmp_path):
    fake.fails("init", 1, f"Error: {SECRET}\n")
    terraform = Terraform(find_binary("terraform"), tmp_path, os.environ, Scrubber.of([SECRET]))
    result = terraform.run("init")
    assert SECRET not in result.stderr and "Error: (redacted)" in result.stderr


# -- the log of what terraform printed ----------------------------------------------------------

APPLY_ERROR = (
    "\x1b[31m╷\x1b[0m\n│ Error: creating RDS DB Instance (sg-demo): operation error RDS: CreateDBInstance, "
    "https response error StatusCode: 400, RequestID: 0a1b, InvalidParameterValue: bad password "
    f"{SECRET}\n│ \n│   with aws_db_instance.demo,\n│   on cdk.tf.json line 812, in resource.aws_db_instance.demo:\n"
    "│  812:       }\n╵\n"
)


def logged(tmp_path, *values) -> Terraform:
    log = TerraformLog(tmp_path / "runs" / "dev" / "deploy" / "r1" / "terraform.log")
    return Terraform(find_binary("terraform"), tmp_path, os.environ, Scrubber.of(values), log)


def test_a_failure_is_one_scrubbed_line_naming_the_address_and_the_log(fake, tmp_path):
    fake.fails("plan", 1, APPLY_ERROR)
    terraform = logged(tmp_path, SECRET)
    with pytest.raises(TerraformFailed) as failed:
        terraform.plan("p.tfplan")
    message = str(failed.value)
    assert message.startswith("terraform plan failed (exit 1): Error: creating RDS DB Instance (sg-demo): ")
    assert "InvalidParameterValue: bad password (redacted) (aws_db_instance.demo)" in message
    assert message.endswith(f"; full output: {terraform.log.path}") and "\n" not in message
    assert SECRET not in message and "RequestID" not in message


def test_the_log_holds_every_command_whole_and_scrubbed_and_is_private(fake, tmp_path):
    fake.fails("plan", 1, APPLY_ERROR + f"AKIAIOSFODNN7EXAMPLE {TOKEN}\n")
    terraform = logged(tmp_path, SECRET, TOKEN)
    terraform.init()
    terraform.show_json()
    with pytest.raises(TerraformFailed):
        terraform.plan("p.tfplan")
    path = terraform.log.path
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = path.read_text()
    for secret in (SECRET, TOKEN, "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in text
    assert [line.split(" $ ")[1].split()[:2] for line in text.splitlines() if line.startswith("==> ")] == [
        ["terraform", "init"], ["terraform", "show"], ["terraform", "plan"],
    ]
    assert "bytes of JSON, not logged" in text and '"format_version"' not in text
    assert "│   with aws_db_instance.demo," in text and "exit 1 after" in text, "the whole block, as printed"


def test_the_log_never_replaces_a_file_and_nothing_runs_without_it(fake, tmp_path):
    terraform = logged(tmp_path)
    terraform.log.path.parent.mkdir(parents=True)
    terraform.log.path.write_text("an earlier run's log\n")
    with pytest.raises(TerraformFailed, match="already exists.*`terraform init` was not run"):
        terraform.init()
    assert terraform.log.path.read_text() == "an earlier run's log\n"
    assert fake.calls() == []


# -- interrupts during an apply ------------------------------------------------------------------


def test_an_interrupt_during_apply_reaches_terraform_once_and_is_reported(fake, tmp_path):
    before = signal.getsignal(signal.SIGINT)
    fake.apply_signals_parent("SIGINT")  # as Ctrl-C at the terminal reaches this process
    result = Terraform(find_binary("terraform"), tmp_path, os.environ).apply("p.tfplan")
    assert result.interrupted == "SIGINT" and result.returncode == 1
    assert fake.interrupts() == [1]
    assert signal.getsignal(signal.SIGINT) is before, "the handler is restored after the apply"

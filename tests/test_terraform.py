"""Terraform's stderr becomes one line: its Error summary, no decoration, nothing key-like;
what terraform prints is scrubbed of the lane's secrets; an apply survives interrupts."""

from __future__ import annotations

import json
import os
import signal

import pytest

from stackguard.terraform import Scrubber, Terraform, find_binary, summary
from tests.support.fake_terraform import FakeTerraform, install


def test_the_error_summary_line_is_kept_without_box_drawing():
    stderr = (
        "\n\x1b[31m╷\x1b[0m\n│ Error: Saved plan is stale\n│ \n"
        "│ The given plan file can no longer be applied because the state was changed.\n╵\n"
    )
    assert summary(stderr) == "Error: Saved plan is stale"


def test_without_an_error_line_the_last_meaningful_line_is_kept():
    assert summary("Acquiring state lock...\n\nsomething broke badly\n\n") == "something broke badly"
    assert summary("") == "no output on stderr"


def test_key_like_strings_are_scrubbed_and_long_lines_cut():
    line = summary("Error: InvalidClientTokenId for AKIAIOSFODNN7EXAMPLE " + "x" * 400)
    assert "AKIAIOSFODNN7EXAMPLE" not in line and "(redacted)" in line
    assert len(line) <= 300 and "\n" not in line


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


# -- interrupts during an apply ------------------------------------------------------------------


def test_an_interrupt_during_apply_reaches_terraform_once_and_is_reported(fake, tmp_path):
    before = signal.getsignal(signal.SIGINT)
    fake.apply_signals_parent("SIGINT")  # as Ctrl-C at the terminal reaches this process
    result = Terraform(find_binary("terraform"), tmp_path, os.environ).apply("p.tfplan")
    assert result.interrupted == "SIGINT" and result.returncode == 1
    assert fake.interrupts() == [1]
    assert signal.getsignal(signal.SIGINT) is before, "the handler is restored after the apply"

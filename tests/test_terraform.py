"""Terraform's stderr becomes one line: its Error summary, no decoration, nothing key-like."""

from __future__ import annotations

from stackguard.terraform import summary


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

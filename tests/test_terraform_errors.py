"""Terraform's error blocks, as terraform 1.11 prints them (tests/data/terraform_errors):
one line that keeps the reason and the failing address, and every block in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackguard.terraform_errors import MAX_MESSAGE, diagnostics, summary

DATA = Path(__file__).parent / "data" / "terraform_errors"
NO_SUCH_ENTITY = (
    "NoSuchEntity: Policy arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicyX "
    "does not exist or is not attachable."
)


def stderr(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_the_reason_of_a_failed_provider_query_is_kept():
    line = summary(stderr("init_provider_version.txt"))
    assert line.startswith("Error: Failed to query available provider packages: ")
    assert "no available releases match the given constraints 6.25.0" in line
    assert "\n" not in line


def test_a_missing_state_bucket_is_named_and_the_second_error_counted():
    line = summary(stderr("init_backend_missing_bucket.txt"))
    assert 'Error: Failed to get existing workspaces: S3 bucket "sg-no-such-bucket-xyz" does not exist.' in line
    assert line.endswith("; and 1 more error")


@pytest.mark.parametrize("name", ["apply_two_errors.txt", "apply_two_errors_color.txt"])
def test_an_apply_error_keeps_its_reason_and_names_the_failing_addresses(name):
    line = summary(stderr(name))
    assert line.startswith("Error: attaching IAM Policy")
    assert f"{NO_SUCH_ENTITY} (aws_iam_role_policy_attachment.task_execution)" in line
    assert line.endswith("; and 1 more error (aws_iam_role_policy_attachment.task)")
    for noise in ("RequestID", "StatusCode", "╷", "│", "\x1b", "Warning", "CLI configuration"):
        assert noise not in line


@pytest.mark.parametrize("name", ["apply_two_errors.txt", "apply_two_errors_color.txt"])
def test_every_error_block_is_kept_whole(name):
    found = diagnostics(stderr(name))
    assert [d.address for d in found] == [
        "aws_iam_role_policy_attachment.task_execution",
        "aws_iam_role_policy_attachment.task",
    ]
    first = found[0].text
    assert first.startswith("Error: attaching IAM Policy") and NO_SUCH_ENTITY in first
    assert "on cdk.tf.json line 4, in resource.aws_iam_role_policy_attachment.task_execution:" in first
    assert "│" not in first and "\x1b" not in first


def test_warnings_are_not_errors():
    assert diagnostics("╷\n│ Warning: Deprecated attribute\n│\n│ use x instead\n╵\n") == []


def test_a_long_message_is_cut_in_the_middle_and_keeps_its_reason_and_address():
    block = (
        "╷\n│ Error: creating RDS DB Instance (sg-demo): " + "policy document " * 60
        + "InvalidParameterCombination: storage type gp3 needs 20 GiB\n│\n│   with aws_db_instance.demo,\n"
        "│   on cdk.tf.json line 812, in resource.aws_db_instance.demo:\n│  812:       },\n╵\n"
    )
    line = summary(block)
    assert line.startswith("Error: creating RDS DB Instance (sg-demo): policy document")
    assert line.endswith("InvalidParameterCombination: storage type gp3 needs 20 GiB (aws_db_instance.demo)")
    assert " ... " in line and len(line) <= MAX_MESSAGE + len(" (aws_db_instance.demo)")


def test_without_an_error_block_the_last_meaningful_line_is_kept():
    assert summary("Acquiring state lock...\n\nsomething broke badly\n\n") == "something broke badly"
    assert summary("") == "no output on stderr"


def test_key_like_strings_never_reach_the_line_or_the_blocks():
    text = "Error: InvalidClientTokenId for AKIAIOSFODNN7EXAMPLE\n\n  with aws_s3_bucket.state,\n"
    assert "AKIAIOSFODNN7EXAMPLE" not in summary(text)
    assert "AKIAIOSFODNN7EXAMPLE" not in diagnostics(text)[0].text

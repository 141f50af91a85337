"""The registry of formats, and what every renderer may print."""

from __future__ import annotations

import json

import pytest

from stackguard import report
from stackguard.report import FORMATS, UnknownFormatError, json_format

from .conftest import NOT_A_FINDING


def test_the_formats_are_exactly_these():
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "markdown"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_dispatches_to_the_format(fmt, mixed_snapshot):
    output = report.render(mixed_snapshot, fmt)
    assert output == FORMATS[fmt](mixed_snapshot)
    assert output.endswith("\n")


def test_an_unknown_format_is_a_usage_error(mixed_snapshot):
    with pytest.raises(
        UnknownFormatError, match="unknown output format 'yaml'; expected one of: json, junit"
    ):
        report.render(mixed_snapshot, "yaml")
    assert issubclass(UnknownFormatError, ValueError)


def test_json_is_the_snapshot_itself(mixed_snapshot):
    output = json_format.render(mixed_snapshot)
    assert output == mixed_snapshot.to_json()
    document = json.loads(output)
    assert document["overall_pass"] is False
    assert len(document["blockers"]) == 3


@pytest.mark.parametrize("fmt", ["text", "markdown", "sarif", "junit"])
def test_renderers_print_findings_not_the_rest_of_the_snapshot(fmt, mixed_snapshot):
    output = report.render(mixed_snapshot, fmt)
    assert NOT_A_FINDING not in output
    assert mixed_snapshot.policy_digest not in output
    assert mixed_snapshot.git_sha not in output

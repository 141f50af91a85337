from __future__ import annotations

import re

from guards.findings import Finding, Status
from stackguard.report import markdown

from .conftest import make_snapshot

# A cell boundary is a "|" that is not backslash-escaped.
CELL_BOUNDARY = re.compile(r"(?<!\\)\|")


def section(output: str, heading: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start + 1 : end] if line]


def test_heading_carries_the_verdict(mixed_snapshot, passing_snapshot):
    assert (
        markdown.render(mixed_snapshot).splitlines()[0]
        == "## :x: stackguard synth: BLOCKED: 3 blocker(s)"
    )
    assert (
        markdown.render(passing_snapshot).splitlines()[0]
        == "## :white_check_mark: stackguard synth: PASS"
    )


def test_blockers_table_rows(mixed_snapshot):
    rows = section(markdown.render(mixed_snapshot), "### Blockers (3)")
    assert rows == [
        "| Status | Code | Subject | Stack | Message |",
        "| --- | --- | --- | --- | --- |",
        (
            "| ERROR | budget-missing "
            "| arn:aws:budgets::123456789012:budget/platform-dev-monthly | - "
            "| AccessDenied from budgets:DescribeBudgets |"
        ),
        (
            "| FAIL | forbidden-nat-gateway | module.network.module.endpoints.aws\\_vpc\\_endpoint."
            'interface\\["com.amazonaws.eu-central-1.secretsmanager"\\] | demo '
            "| NAT gateways \\| cost money<br>every hour |"
        ),
        (
            "| UNKNOWN | unknown-count | module.app.aws\\_instance.worker | demo "
            "| count is known only after apply |"
        ),
    ]


def test_waived_table_rows_carry_the_justification(mixed_snapshot):
    rows = section(markdown.render(mixed_snapshot), "### Waived (2)")
    assert rows[0] == "| Status | Code | Subject | Stack | Message | Waiver |"
    assert rows[2:] == [
        (
            "| FAIL | always-on-fleet | aws\\_ecs\\_service.app | demo | desired\\_count is 1 "
            "| workshop week, torn down on Friday |"
        ),
        (
            "| UNKNOWN | unknown-count | module.batch.aws\\_instance.spot | demo "
            "| count is known only after apply | spot pool sized by the scheduler |"
        ),
    ]


def test_counts(mixed_snapshot):
    output = markdown.render(mixed_snapshot)
    assert "| PASS | FAIL | UNKNOWN | ERROR | waived | blockers |" in output
    assert "| 2 | 2 | 2 | 1 | 2 | 3 |" in output


def test_a_passing_snapshot_has_empty_sections(passing_snapshot):
    output = markdown.render(passing_snapshot)
    assert section(output, "### Blockers (0)") == ["None."]
    assert section(output, "### Waived (0)") == ["None."]


def test_awkward_text_stays_inside_its_cell():
    snapshot = make_snapshot(
        [
            Finding(
                code="cost-cap-exceeded",
                status=Status.FAIL,
                subject="a|b",
                message="line one\r\nline two | `tick` *star* <b>html</b> &lt; [link](x)",
            )
        ]
    )
    output = markdown.render(snapshot)
    table = section(output, "### Blockers (1)")
    assert all(len(CELL_BOUNDARY.findall(row)) == 6 for row in table)
    assert table[2] == (
        "| FAIL | cost-cap-exceeded | a\\|b | - | line one<br>line two \\| \\`tick\\` \\*star\\* "
        "\\<b\\>html\\</b\\> \\&lt; \\[link\\](x) |"
    )


def test_a_deploy_plan_summary_lists_its_changes_by_action(passing_snapshot):
    snapshot = passing_snapshot.model_copy(update={
        "lane": "deploy-plan",
        "details": {"planned_changes": {"aws_ecs_service.api": "update", "aws_db_instance.db": "create", "aws_s3_bucket.old": "delete"}},
    })
    output = markdown.render(snapshot)
    assert section(output, "### Plan: 1 to create, 1 to update, 1 to delete") == [
        "- `+` create aws\\_db\\_instance.db",
        "- `~` update aws\\_ecs\\_service.api",
        "- `-` delete aws\\_s3\\_bucket.old",
    ]


def test_a_teardown_contract_summary_shows_both_sets(passing_snapshot):
    snapshot = passing_snapshot.model_copy(update={
        "lane": "teardown-contract",
        "details": {
            "destroy_set": ["aws_db_instance.db"],
            "preserve_set": [{"identity": "s3:sg-devmin-tfstate", "why": "state bucket"}],
        },
    })
    output = markdown.render(snapshot)
    assert section(output, "### Destroy-set (1)") == ["- aws\\_db\\_instance.db"]
    assert section(output, "### Preserve-set (1)") == ["- s3:sg-devmin-tfstate (state bucket)"]


def test_a_check_snapshot_has_no_operation_sections(mixed_snapshot):
    output = markdown.render(mixed_snapshot)
    assert "### Plan" not in output and "### Destroy-set" not in output

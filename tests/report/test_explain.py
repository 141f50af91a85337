"""`stackguard rules` and `stackguard explain`: the catalog, readable at 80 columns."""

import pytest

from guards.catalog import CATALOG
from tests.conftest import in_process


def test_rules_lists_every_code_once_within_80_columns():
    code, stdout, _ = in_process("rules")
    assert code == 0
    lines = stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    listed = [line.split()[0] for line in lines[1:-1] if not line.startswith(" ")]
    assert listed == sorted(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_explain_says_why_how_to_fix_and_how_to_waive(name):
    code, stdout, _ = in_process("explain", name)
    assert code == 0
    for heading in ("what:", "why it matters:", "how to fix:", "how to waive:"):
        assert heading in stdout
    entry = CATALOG[name]
    assert (f'rule = "{name}"' in stdout) is entry.waivable
    if entry.iam:
        assert all(action in stdout for action in entry.iam)
    assert max(len(line) for line in stdout.splitlines()) <= 80


def test_a_safety_gate_says_it_cannot_be_waived_by_policy():
    _, stdout, _ = in_process("explain", "preserve-violation")
    assert "cannot be waived" in " ".join(stdout.split())


def test_an_unknown_code_is_exit_2_with_the_nearest_codes():
    code, _, stderr = in_process("explain", "forbiden-nat")
    assert code == 2
    line = stderr.strip()
    assert line.startswith("error: no code 'forbiden-nat' in the catalog; did you mean forbidden-nat-gateway")
    assert len(line.splitlines()) == 1

"""This project's own synth output parses (the only source of budget documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guards.documents import load_document, load_synth


@pytest.mark.slow
def test_own_synth_output_parses(synth_dir: Path) -> None:
    inventory = load_synth(synth_dir)
    assert inventory.stacks == sorted(inventory.stacks) and "core" in inventory.stacks
    assert {backend.stack for backend in inventory.backends} == set(inventory.stacks)
    assert {resource.source for resource in inventory.resources} == {"synth"}
    assert any(r.stack == "core" and r.type == "aws_budgets_budget" for r in inventory.resources)
    assert set(inventory.input_digests) == {
        str(synth_dir / "stacks" / name / "cdk.tf.json") for name in inventory.stacks
    }
    assert load_document(synth_dir) == inventory

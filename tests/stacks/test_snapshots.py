"""Each stack's synthesized JSON, pinned. A change here is deliberate: update with
`pytest --snapshot-update` and say why in the commit."""

import pytest
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("name", ["core", "confluent", "demo"])
def test_stack_matches_snapshot(stacks, snapshot_json, name):
    assert stacks[name] == snapshot_json

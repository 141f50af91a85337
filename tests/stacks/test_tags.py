"""Default tags carry the lifecycle each guard and the teardown lane rely on."""

import pytest

EXPECTED_LIFECYCLE = {"core": "persistent", "confluent": "ephemeral", "demo": "ephemeral"}


@pytest.mark.parametrize("name", sorted(EXPECTED_LIFECYCLE))
def test_every_stack_tags_everything_by_default(stacks, platform_config, name):
    (aws,) = stacks[name]["provider"]["aws"]
    (tags,) = aws["default_tags"]
    assert tags["tags"] == {
        "project": platform_config.project,
        "environment": "dev_min",
        "stack": name,
        "lifecycle": EXPECTED_LIFECYCLE[name],
    }
    assert aws["region"] == platform_config.region

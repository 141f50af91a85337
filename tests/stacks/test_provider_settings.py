"""The AWS provider's version and retries come from the configuration, in every stack.

The end-to-end configuration pins the version the local mirror holds (5.100.0) and a low
max_retries through `[tooling]`, so no override file is needed beside the stacks.
"""

from __future__ import annotations

import json

import pytest

from stackguard.synth import synthesize
from stacks.config import AWS_PROVIDER_VERSION

STACKS = ("confluent", "core", "demo")


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory, platform_config) -> dict[str, dict]:
    raw = platform_config.model_dump(mode="json")
    raw["tooling"] |= {"aws_provider_version": "5.100.0", "aws_max_retries": 1}
    config = type(platform_config).model_validate(raw)
    outdir = tmp_path_factory.mktemp("mirrored") / "cdktf.out"
    synthesize(config, outdir)
    return {name: json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text()) for name in STACKS}


def aws_provider(stack: dict) -> dict:
    (provider,) = stack["provider"]["aws"]
    return provider


def test_the_shipped_configuration_keeps_the_bindings_version_and_the_default_retries(stacks):
    for name in STACKS:
        assert stacks[name]["terraform"]["required_providers"]["aws"] == {"source": "aws", "version": AWS_PROVIDER_VERSION}
        assert "max_retries" not in aws_provider(stacks[name])


def test_a_configuration_pins_the_mirror_version_and_low_retries_in_every_stack(mirrored, stacks):
    for name in STACKS:
        assert mirrored[name]["terraform"]["required_providers"]["aws"] == {"source": "aws", "version": "5.100.0"}
        assert aws_provider(mirrored[name])["max_retries"] == 1
        # Nothing else of the provider changes: region and default tags stay.
        assert {k: v for k, v in aws_provider(mirrored[name]).items() if k != "max_retries"} == aws_provider(stacks[name])
    # confluent's own provider is untouched.
    assert mirrored["confluent"]["terraform"]["required_providers"]["confluent"] == (
        stacks["confluent"]["terraform"]["required_providers"]["confluent"]
    )


def test_the_synth_cache_key_covers_the_provider_settings(platform_config):
    """The cache keys on the validated configuration, so new settings need no change there."""
    from stackguard.synth_cache import cache_key, synth_inputs

    def key(**tooling) -> str:
        raw = platform_config.model_dump(mode="json")
        raw["tooling"] |= tooling
        config = type(platform_config).model_validate(raw)
        return cache_key(synth_inputs(config, bootstrap=False, sources={}, versions={}))

    assert len({key(), key(aws_provider_version="5.100.0"), key(aws_max_retries=1)}) == 3
    assert key() == key(aws_provider_version=AWS_PROVIDER_VERSION)

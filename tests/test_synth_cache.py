"""The synth cache: reused when no input changed, invalidated by each kind of input."""

from __future__ import annotations

import json
import shutil

import pytest

import stacks.app
from stackguard.synth import synthesize
from stackguard.synth_cache import CACHE_FILE, cache_key, synth_inputs


@pytest.fixture
def warm_outdir(synth_dir, tmp_path):
    """A copy of the session's synth output, cache record included."""
    outdir = tmp_path / "cdktf.out"
    shutil.copytree(synth_dir, outdir)
    return outdir


@pytest.fixture
def no_cold_synth(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("cdktf was started although the cache should have served")

    monkeypatch.setattr(stacks.app, "build_app", refuse)


def test_unchanged_inputs_reuse_the_output_without_starting_jsii(warm_outdir, platform_config, no_cold_synth):
    stacks = synthesize(platform_config, warm_outdir)
    assert [s.name for s in stacks] == ["confluent", "core", "demo"]
    assert all(s.cached for s in stacks)


def test_a_hand_edited_stack_file_is_not_trusted(warm_outdir, platform_config, no_cold_synth):
    (warm_outdir / "stacks/demo/cdk.tf.json").write_text("{}")
    with pytest.raises(AssertionError, match="cache should have served"):
        synthesize(platform_config, warm_outdir)


def test_no_cache_forces_synthesis(warm_outdir, platform_config, no_cold_synth):
    with pytest.raises(AssertionError, match="cache should have served"):
        synthesize(platform_config, warm_outdir, use_cache=False)


def test_each_kind_of_input_changes_the_key(platform_config):
    sources, versions = {"core.py": "a"}, {"cdktf": "0.21.0"}
    base = cache_key(synth_inputs(platform_config, bootstrap=False, sources=sources, versions=versions))
    changed_config = platform_config.model_copy(update={"name_prefix": "other"})
    variants = [
        synth_inputs(changed_config, bootstrap=False, sources=sources, versions=versions),
        synth_inputs(platform_config, bootstrap=False, sources={"core.py": "b"}, versions=versions),
        synth_inputs(platform_config, bootstrap=False, sources=sources | {"new.py": "c"}, versions=versions),
        synth_inputs(platform_config, bootstrap=False, sources=sources, versions={"cdktf": "0.21.1"}),
        synth_inputs(platform_config, bootstrap=True, bootstrap_path="../../../x", sources=sources, versions=versions),
    ]
    keys = {cache_key(inputs) for inputs in variants}
    assert base not in keys and len(keys) == len(variants)


def test_a_changed_configuration_misses_the_cache(warm_outdir, platform_config, no_cold_synth):
    raw = platform_config.model_dump(mode="json")
    raw["budget"]["name"] = "renamed-budget"
    changed = type(platform_config).model_validate(raw)
    with pytest.raises(AssertionError, match="cache should have served"):
        synthesize(changed, warm_outdir)
    assert json.loads((warm_outdir / CACHE_FILE).read_text())["stacks"]

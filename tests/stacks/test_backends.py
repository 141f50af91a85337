"""Every stack: one shared S3 backend, its own key, both lock sources held."""

from __future__ import annotations

import json
from itertools import combinations

from stackguard.synth import synthesize

STACKS = ("confluent", "core", "demo")


def s3_backend(stack: dict) -> dict:
    backend = stack["terraform"]["backend"]
    assert list(backend) == ["s3"], f"expected only an s3 backend, got {list(backend)}"
    return backend["s3"]


def test_all_three_stacks_are_synthesized(stacks):
    assert tuple(stacks) == STACKS


def test_each_stack_has_its_own_key(stacks, platform_config):
    keys = {name: s3_backend(stack)["key"] for name, stack in stacks.items()}
    assert keys == {name: f"dev_min/{name}/terraform.tfstate" for name in STACKS}
    for first, second in combinations(keys.values(), 2):
        assert first != second
        assert not first.startswith(second) and not second.startswith(first)


def test_stacks_share_bucket_region_and_lock_table(stacks, platform_config):
    shared = {
        (backend["bucket"], backend["region"], backend["dynamodb_table"])
        for backend in map(s3_backend, stacks.values())
    }
    assert shared == {
        (platform_config.backend.state_bucket, platform_config.region, platform_config.backend.lock_table)
    }


def test_encryption_and_both_lock_sources_are_on(stacks):
    for name, stack in stacks.items():
        backend = s3_backend(stack)
        assert backend["encrypt"] is True, name
        assert backend["use_lockfile"] is True, name
        assert backend["dynamodb_table"], name


def test_bootstrap_gives_core_a_local_backend_only(tmp_path, platform_config, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    synthesize(platform_config, project / "cdktf.out", bootstrap=True)
    read = lambda name: json.loads((project / "cdktf.out/stacks" / name / "cdk.tf.json").read_text())
    core = read("core")["terraform"]["backend"]
    # Relative to cdktf.out/stacks/core, it lands at the project root, outside cdktf.out.
    assert core == {"local": {"path": "../../../terraform.core.bootstrap.tfstate"}}
    assert "s3" in read("demo")["terraform"]["backend"]
    assert "s3" in read("confluent")["terraform"]["backend"]

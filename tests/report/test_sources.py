"""Construct paths of the real synth map to the stack source line that made them."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackguard.report.sources import PROJECT_ROOT, SourceLocation, locate
from tests.conftest import REPO_ROOT

COMMENT = "//"


def construct_paths(stacks) -> dict[str, str]:
    """Every block's construct path in the synthesized stacks -> its Terraform address."""
    found = {}
    for document in stacks.values():
        for section in ("resource", "data"):
            for rtype, blocks in document.get(section, {}).items():
                for name, block in blocks.items():
                    path = block.get(COMMENT, {}).get("metadata", {}).get("path")
                    if path:
                        found[path] = f"{rtype}.{name}"
    return found


def line_text(location: SourceLocation) -> str:
    return (REPO_ROOT / location.file).read_text(encoding="utf-8").splitlines()[location.line - 1]


def test_the_project_root_is_the_repository():
    assert PROJECT_ROOT == REPO_ROOT


@pytest.mark.parametrize(
    ("path", "file", "literal"),
    [
        ("demo/cluster", "stacks/demo.py", '"cluster"'),
        ("demo/services_sg", "stacks/demo.py", '"services_sg"'),
        ("demo/network/vpc", "stacks/parts/public_network.py", '"vpc"'),
        ("demo/network/public_0_routes", "stacks/parts/public_network.py", 'f"public_{index}_routes"'),
        ("demo/network/public_1", "stacks/parts/public_network.py", 'f"public_{index}"'),
        ("demo/service_api/logs", "stacks/parts/fargate_service.py", '"logs"'),
        ("demo/database/instance", "stacks/parts/postgres.py", '"instance"'),
        ("core/state_bucket/versioning", "stacks/parts/secure_bucket.py", '"versioning"'),
        ("confluent/topic_demo_events", "stacks/confluent.py", '"topic_" +'),
    ],
)
def test_a_construct_maps_to_the_line_of_its_id(stacks, path, file, literal):
    assert path in construct_paths(stacks)  # a path the real synth writes
    location = locate(path)
    assert location is not None and location.file == file
    assert location.line > 1 and literal in line_text(location)


def test_every_construct_of_the_synth_maps_into_its_stack_sources(stacks):
    paths = construct_paths(stacks)
    assert len(paths) > 40
    for path in paths:
        location = locate(path)
        assert location is not None, path
        assert location.file.startswith("stacks/") and location.file.endswith(".py"), path
        assert (REPO_ROOT / location.file).is_file()
    beyond_line_one = [path for path in paths if locate(path).line > 1]
    assert len(beyond_line_one) == len(paths)


def test_an_unfound_segment_stops_at_the_deepest_construct_found():
    deep = locate("demo/network/no_such_construct")
    assert deep is not None and deep.file == "stacks/demo.py" and '"network"' in line_text(deep)


def test_an_unknown_id_falls_back_to_the_stack_file_line_one():
    assert locate("demo/no_such_construct") == SourceLocation("stacks/demo.py", 1)


@pytest.mark.parametrize("path", ["nostack/x", "../etc/x", "", "demo.py/x"])
def test_a_stack_without_a_file_has_no_location(path):
    assert locate(path) is None


def test_the_mapping_reads_only_the_given_tree(tmp_path: Path):
    (tmp_path / "stacks" / "parts").mkdir(parents=True)
    (tmp_path / "stacks" / "parts" / "thing.py").write_text(
        'class Thing:\n    def __init__(self, scope, id):\n        Bucket(self, "bucket")\n'
    )
    (tmp_path / "stacks" / "app1.py").write_text(
        "from stacks.parts.thing import Thing\n\n\nThing(None, 'thing')\nname = f'{x}'\n"
    )
    assert locate("app1/thing/bucket", tmp_path) == SourceLocation("stacks/parts/thing.py", 3)
    assert locate("app1/thing", tmp_path) == SourceLocation("stacks/app1.py", 4)

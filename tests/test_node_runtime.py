"""jsii gets a supported Node.js without manual steps, and a user's JSII_NODE wins."""

from __future__ import annotations

import stat
from pathlib import Path

from stackguard.node_runtime import (
    MIN_NODE_MAJOR,
    bundled_node,
    ensure_supported_node,
    node_major_version,
)


def fake_node(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    node = directory / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n")
    node.chmod(node.stat().st_mode | stat.S_IEXEC)
    return node


def test_old_system_node_is_replaced_by_the_bundled_one(tmp_path):
    fake_node(tmp_path / "bin", "v20.20.2")
    environ = {"PATH": str(tmp_path / "bin")}
    chosen = ensure_supported_node(environ)
    assert chosen == bundled_node() and environ["JSII_NODE"] == chosen
    assert node_major_version(chosen) >= MIN_NODE_MAJOR


def test_supported_system_node_is_kept(tmp_path):
    node = fake_node(tmp_path / "bin", "v24.1.0")
    environ = {"PATH": str(tmp_path / "bin")}
    assert ensure_supported_node(environ) == str(node)
    assert "JSII_NODE" not in environ


def test_user_choice_is_respected(tmp_path):
    environ = {"PATH": str(tmp_path), "JSII_NODE": "/opt/node/bin/node"}
    assert ensure_supported_node(environ) == "/opt/node/bin/node"


def test_unrunnable_node_reports_no_version(tmp_path):
    assert node_major_version(str(tmp_path / "absent")) is None
    assert node_major_version(str(fake_node(tmp_path, "garbage"))) is None

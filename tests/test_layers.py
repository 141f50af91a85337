"""The layers import downward only: foundation <- stacks, guards, evidence <- stackguard.

Read from the source with `ast`, so a lazy import inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PROJECT_PACKAGES = ("foundation", "stacks", "guards", "evidence", "stackguard")
#: What each package must never import.
FORBIDDEN = {
    "foundation": ("stacks", "guards", "evidence", "stackguard", "cdktf", "constructs"),
    "guards": ("stackguard", "stacks", "cdktf", "constructs", "imports"),
    "evidence": ("stackguard", "stacks", "cdktf", "constructs"),
    "stacks": ("stackguard", "guards", "evidence"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offending_imports(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((REPO_ROOT / package).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_downward(package):
    assert offending_imports(package) == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from stackguard.cli import app\n")
    assert imported_modules(module) == {"stackguard.cli"}


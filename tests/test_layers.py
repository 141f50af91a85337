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



def test_no_stackguard_module_is_over_400_lines():
    long = [
        f"{path.relative_to(REPO_ROOT)}: {count} lines"
        for path in sorted((REPO_ROOT / "stackguard").rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert long == []


def packages_below(root: Path, names) -> list[Path]:
    folders = [root / name for name in names]
    found = [*folders, *(p for folder in folders for p in folder.rglob("*"))]
    return [p for p in found if p.is_dir() and (p / "__init__.py").exists() and p != root]


def test_tests_mirror_the_code_tree():
    """Every test folder names a package or subpackage of the code (or the shared support, or
    the end-to-end journeys, which cross the whole tree with the real engine)."""
    code = {path.relative_to(REPO_ROOT) for path in packages_below(REPO_ROOT, PROJECT_PACKAGES)}
    mirrored = {path.relative_to(REPO_ROOT / "tests") for path in packages_below(REPO_ROOT / "tests", [""])}
    allowed_extra = {Path("support"), Path("e2e"), Path("lanes/deploy"), Path("lanes/teardown")}
    stray = sorted(str(p) for p in mirrored - allowed_extra if p not in code and Path("stackguard", p) not in code)
    assert stray == []

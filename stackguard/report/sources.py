"""Where in the stack sources a cdktf construct was made: its construct path -> file, line.

cdktf writes each block's construct path (`demo/network/vpc`) into `cdk.tf.json`, but no
stack trace. The path's first segment is the stack, made in `stacks/<stack>.py`; each
further segment is the id literal of a construct call there (`PublicNetwork(self,
"network", ...)`), and when that construct's class is imported from another module of the
project (`stacks/parts/public_network.py`), the next segment is looked up in that module.
The location is the deepest segment found; with none, the stack's file at line 1.

Read with `ast` from the files alone (nothing is imported or run), so it is a pure function
of the construct path and the source tree.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The project root: `stacks/` sits beside `stackguard/`.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
STACKS = "stacks"


@dataclass(frozen=True)
class SourceLocation:
    """A file relative to the project root ('/'-separated) and a 1-based line."""

    file: str
    line: int


def locate(construct_path: str, root: Path = PROJECT_ROOT) -> SourceLocation | None:
    """The stack file and line that made the construct; None when its stack has no file."""
    stack, *segments = construct_path.strip("/").split("/")
    if not _safe_name(stack):
        return None
    module = root / STACKS / f"{stack}.py"
    if not module.is_file():
        return None
    location = SourceLocation(_relative(module, root), 1)
    for segment in segments:
        found = _construct_call(module, segment, root)
        if found is None:
            break
        where, line, made_by = found
        location = SourceLocation(_relative(where, root), line)
        if made_by is None:
            break
        module = made_by
    return location


def _safe_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_-]+", name))


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _construct_call(module: Path, segment: str, root: Path) -> tuple[Path, int, Path | None] | None:
    """The first call in `module` (or, failing that, in a project module it imports) whose
    construct id is `segment`: that module, the id's line, and the module of the called
    class when it is part of the project (None for a provider class)."""
    for candidate in (module, *_parsed(module, root).imported.values()):
        parsed = _parsed(candidate, root)
        matching = [(line, callee) for line, callee in parsed.calls if line.matches(segment)]
        if matching:
            # the exact id first, then the most specific pattern, then the first in the file
            line, callee = min(matching, key=lambda call: (not call[0].exact, -call[0].literal, call[0].number))
            made_by = parsed.imported.get(callee) or (candidate if callee in parsed.classes else None)
            return candidate, line.number, made_by
    return None


@dataclass(frozen=True)
class _IdLiteral:
    """A construct id as written: a string, or an f-string matched as a pattern."""

    pattern: re.Pattern[str]
    number: int
    literal: int  # how many of its characters are written out: more is more specific
    exact: bool  # a plain string, no computed part

    def matches(self, segment: str) -> bool:
        return self.pattern.fullmatch(segment) is not None


@dataclass(frozen=True)
class _Module:
    calls: tuple[tuple[_IdLiteral, str], ...]  # (id literal, called name), in source order
    imported: dict[str, Path]  # a name imported from a project module -> that module's file
    classes: frozenset[str]


@lru_cache(maxsize=64)
def _parsed(module: Path, root: Path) -> _Module:
    try:
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    except (OSError, SyntaxError, ValueError):
        return _Module(calls=(), imported={}, classes=frozenset())
    imported: dict[str, Path] = {}
    calls: list[tuple[_IdLiteral, str]] = []
    classes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source = root.joinpath(*node.module.split(".")).with_suffix(".py")
            if node.module.split(".")[0] == STACKS and source.is_file() and source != module:
                imported.update({alias.asname or alias.name: source for alias in node.names})
        elif isinstance(node, ast.ClassDef):
            classes.add(node.name)
        elif isinstance(node, ast.Call) and (literal := _id_literal(node)) is not None:
            calls.append((literal, _called_name(node.func)))
    calls.sort(key=lambda call: call[0].number)
    return _Module(calls=tuple(calls), imported=imported, classes=frozenset(classes))


def _id_literal(call: ast.Call) -> _IdLiteral | None:
    """A construct's id: the second positional argument (`Construct(scope, id, ...)`), as a
    string, or as a pattern when parts of it are computed (`f"public_{index}"`,
    `"topic_" + name`); None when no part of it is literal."""
    if len(call.args) < 2:
        return None
    parts = _pattern_parts(call.args[1])
    literal = sum(len(part) for part, is_literal in parts if is_literal)
    if not literal:
        return None
    pattern = "".join(re.escape(part) if is_literal else _COMPUTED for part, is_literal in parts)
    return _IdLiteral(re.compile(pattern), call.args[1].lineno, literal, len(parts) == 1)


_COMPUTED = "[^/]+"


def _pattern_parts(node: ast.expr) -> list[tuple[str, bool]]:
    """(text, is literal) pieces of a string expression; computed pieces have no text."""
    if isinstance(node, ast.Constant):
        return [(node.value, True)] if isinstance(node.value, str) else [("", False)]
    if isinstance(node, ast.JoinedStr):
        return [piece for value in node.values for piece in _pattern_parts(value)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _pattern_parts(node.left) + _pattern_parts(node.right)
    return [("", False)]


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""

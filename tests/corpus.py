"""Which corpus of real Terraform documents the tests read, and how a test asks for one file.

A user's clone has no `../shared`, so the permissively licensed part of the corpus is vendored
in `tests/data/corpus` (see its PROVENANCE.md). The active corpus is, in this order:

1. `STACKGUARD_CORPUS`, a directory, when set;
2. `$STACKGUARD_SHARED/corpus` (default `../shared/corpus`, beside the repository) if it exists;
3. the vendored subset `tests/data/corpus`.

A test that needs one particular file asks `corpus_file(name)` (or marks itself with
`needs_corpus(name)` where the file is used while collecting): it is skipped, naming the file,
when the active corpus lacks it. Tests that walk the corpus walk `ACTIVE.files()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDORED = REPO_ROOT / "tests" / "data" / "corpus"
# The vendored copy's own paperwork: about the corpus, never test input.
VENDORING = ("PROVENANCE.md", "LICENSES/")
# The external corpus's own index files: test input (refused on purpose), but not documents.
INDEX_FILES = ("README.md", "MANIFEST.json")


@dataclass(frozen=True)
class Corpus:
    root: Path
    source: str  # "STACKGUARD_CORPUS", "STACKGUARD_SHARED", "../shared" or "vendored"

    @property
    def vendored(self) -> bool:
        return self.root.resolve() == VENDORED.resolve()

    def files(self) -> list[str]:
        """Every test input file, as a path relative to the root with `/` separators."""
        names = (path.relative_to(self.root).as_posix() for path in self.root.rglob("*") if path.is_file())
        return sorted(name for name in names if not name.startswith(VENDORING))

    def documents(self) -> list[str]:
        """The files that are real-world documents (plans, states, synth output, the nonstandard)."""
        return [name for name in self.files() if name not in INDEX_FILES]

    def has(self, name: str) -> bool:
        return (self.root / name).is_file()

    def header(self) -> str:
        count = len(self.documents())
        if not self.vendored:
            return f"corpus: full external corpus at {self.root} ({count} files, from {self.source})"
        where = f"vendored subset {self.root.resolve().relative_to(REPO_ROOT)} ({count} files)"
        if self.source != "vendored":
            return f"corpus: {where}, chosen by {self.source}: tests needing other files are skipped"
        return (
            f"corpus: {where}; the full corpus is absent: tests needing other files are skipped "
            "(set STACKGUARD_CORPUS to run them)"
        )


def shared_dir(environ: Mapping[str, str] = os.environ) -> Path:
    # CI clones the repository with shared/ beside it; STACKGUARD_SHARED points elsewhere.
    return Path(environ.get("STACKGUARD_SHARED", REPO_ROOT.parent / "shared"))


def external(environ: Mapping[str, str] = os.environ) -> Corpus | None:
    """The full corpus outside the repository, if there is one."""
    if environ.get("STACKGUARD_CORPUS"):
        root = Path(environ["STACKGUARD_CORPUS"])
        if not root.is_dir():
            raise NotADirectoryError(f"STACKGUARD_CORPUS={root} is not a directory")
        return Corpus(root, "STACKGUARD_CORPUS")
    root = shared_dir(environ) / "corpus"
    if root.is_dir():
        return Corpus(root, "STACKGUARD_SHARED" if "STACKGUARD_SHARED" in environ else "../shared")
    return None


def select(environ: Mapping[str, str] = os.environ) -> Corpus:
    return external(environ) or Corpus(VENDORED, "vendored")


ACTIVE = select()


def absent_reason(name: str) -> str:
    where = "the vendored subset" if ACTIVE.vendored else f"the corpus at {ACTIVE.root}"
    return f"corpus file {name} is not in {where}; set STACKGUARD_CORPUS to the full corpus to run this"


def corpus_file(name: str) -> Path:
    """The active corpus's file `name`; skips the calling test, naming the file, when it is absent."""
    __tracebackhide__ = True  # the skip is reported at the calling test's line
    if not ACTIVE.has(name):
        pytest.skip(absent_reason(name))
    return ACTIVE.root / name


def needs_corpus(*names: str) -> pytest.MarkDecorator:
    """A skip mark naming the first of `names` the active corpus lacks (for parameters built while
    collecting); no effect when all are present."""
    missing = [name for name in names if not ACTIVE.has(name)]
    return pytest.mark.skipif(bool(missing), reason=absent_reason(missing[0]) if missing else "")

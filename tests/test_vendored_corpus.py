"""The vendored corpus is what PROVENANCE.md says it is: unmodified copies, permissively licensed."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from tests.corpus import VENDORED, Corpus, external

PROVENANCE = VENDORED / "PROVENANCE.md"
PERMISSIVE = {"Apache-2.0", "MIT", "MIT-0", "BSD-2-Clause", "BSD-3-Clause", "MPL-2.0"}
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<repo>[\w.-]+/[\w.-]+) \| `(?P<commit>[0-9a-f]{40})` \| `(?P<path>[^`]+)` \| (?P<licence>[\w.-]+) \| `(?P<sha256>[0-9a-f]{64})` \|$")


def provenance() -> dict[str, dict[str, str]]:
    """The rows of the table under `## Files`, by file name."""
    section = PROVENANCE.read_text().split("## Files", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    parsed = [ROW.match(line) for line in rows]
    assert all(parsed), [line for line, match in zip(rows, parsed) if not match]
    by_file = {match["file"]: match.groupdict() for match in parsed}
    assert len(by_file) == len(rows), "a file is listed twice"
    return by_file


ROWS = provenance()


def test_every_vendored_file_is_listed_and_every_listed_file_is_vendored() -> None:
    assert Corpus(VENDORED, "vendored").files() == sorted(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_vendored_file_matches_its_recorded_sha256(name: str) -> None:
    assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == ROWS[name]["sha256"]


def test_every_licence_is_permissive_and_its_text_is_vendored() -> None:
    licences = {row["licence"] for row in ROWS.values()}
    assert licences <= PERMISSIVE
    for licence in licences:
        assert (VENDORED / "LICENSES" / f"{licence}.txt").is_file(), licence
    notices = PROVENANCE.read_text().split("## Licence notices", 1)[1].split("\n## ", 1)[0]
    for repo in {row["repo"] for row in ROWS.values()}:
        assert f"| {repo} |" in notices, f"no copyright notice recorded for {repo}"


def test_vendored_files_are_byte_identical_to_the_full_corpus() -> None:
    full = external()
    if full is None or full.vendored:
        pytest.skip("the full corpus is absent (set STACKGUARD_CORPUS or STACKGUARD_SHARED)")
    manifest = {entry["file"]: entry for entry in json.loads((full.root / "MANIFEST.json").read_text())}
    for name, row in ROWS.items():
        assert (VENDORED / name).read_bytes() == (full.root / name).read_bytes(), name
        entry = manifest[name]
        assert (entry["repo"], entry["commit"], entry["path"]) == (row["repo"], row["commit"], row["path"]), name

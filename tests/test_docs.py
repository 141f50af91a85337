"""The README stays a short entry point and the documentation stays whole: every relative
link lands on a file, the Quickstart keeps its two commands, and no page promises work
by issue number or for later."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
README_LIMIT = 12_500  # bytes
#: Each page the README must link to: what moved out of it.
EXPECTED_DOCS = {
    "cdktf.md", "ci.md", "cli.md", "configuration.md", "deploy.md", "evidence.md", "live.md",
    "performance.md", "rules.md", "teardown.md", "testing.md",
}
#: [text](target) and [text]: target, outside code; images too.
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
STALE = re.compile(r"later issue|issue #|issue \d+", re.IGNORECASE)


def link_targets(page: Path) -> list[str]:
    """Every link target on the page, outside code fences."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [a or b for a, b in LINK.findall(text)]


def relative_links(page: Path) -> list[str]:
    """Targets that name a file of the repository (no URL scheme, not only an anchor)."""
    return [t for t in link_targets(page) if not re.match(r"[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]


def test_readme_is_short():
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def test_the_docs_pages_exist_and_the_readme_links_each():
    assert {page.name for page in DOCS} >= EXPECTED_DOCS
    linked = {Path(target.split("#")[0]).name for target in relative_links(README)}
    assert EXPECTED_DOCS <= linked


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_points_to_an_existing_file(page):
    broken = [
        target for target in relative_links(page)
        if not (page.parent / target.split("#")[0]).exists()
    ]
    assert broken == []


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+\s+(.*?)\s*$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_anchor_names_a_heading(page):
    missing = []
    for target in relative_links(page) + [t for t in link_targets(page) if t.startswith("#")]:
        path, _, anchor = target.partition("#")
        file = (page.parent / path) if path else page
        if anchor and file.suffix == ".md" and file.exists() and anchor not in anchors(file):
            missing.append(target)
    assert missing == []


def test_the_link_reader_sees_what_it_should():
    """The check above is only as good as the link pattern: pin it."""
    text = "[a](docs/x.md) [b](https://e.org) [c](#here) [d](../y.md#z)\n```\n[e](nope.md)\n```\n[f]: g.md\n"
    found = [a or b for a, b in LINK.findall(FENCE.sub("", text))]
    assert found == ["docs/x.md", "https://e.org", "#here", "../y.md#z", "g.md"]


def quickstart_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Quickstart\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no Quickstart section"
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def test_the_quickstart_has_exactly_the_two_commands():
    assert quickstart_commands() == ["make run", "make test"]


def test_the_quickstart_says_what_it_needs_and_which_corpus_runs():
    quickstart = README.read_text(encoding="utf-8").split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert "Python 3.11" in quickstart and "package registries" in quickstart
    assert "STACKGUARD_CORPUS" in quickstart and "tests/data/corpus" in quickstart


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_page_points_at_issue_numbers_or_later_work(page):
    assert STALE.findall(page.read_text(encoding="utf-8")) == []

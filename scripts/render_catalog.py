"""Render the documentation blocks that come from the code catalog (guards/catalog.py).

    .venv/bin/python scripts/render_catalog.py           # print the code table
    .venv/bin/python scripts/render_catalog.py --iam     # print the IAM list of `check live`
    .venv/bin/python scripts/render_catalog.py --write   # replace both blocks in their files

docs/rules.md holds the code table between `<!-- codes:begin -->`/`<!-- codes:end -->`, and
docs/live.md the IAM list between `<!-- iam:begin -->`/`<!-- iam:end -->`;
tests/guards/test_catalog.py fails while either differs from what this renders, so run
`--write` after changing the catalog.
"""

from __future__ import annotations

import re
import sys
from itertools import groupby
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from guards.catalog import CATALOG, Code, live_iam

#: Each rendered block and the file that holds it.
BLOCKS = {"codes": REPO_ROOT / "docs" / "rules.md", "iam": REPO_ROOT / "docs" / "live.md"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _waivable(code: Code) -> str:
    if code.waivable:
        return "yes"
    return f"no (`{code.waived_by}`)" if code.waived_by else "no"


def _anchored(code: Code) -> str:
    return f'<a id="{code.anchor}"></a>`{code.id}`'


def codes_table() -> str:
    """code | applies | summary | waivable, one row per entry in catalog order; each code
    carries its anchor (`rules.md#code-<id>`), which SARIF help links point at."""
    rows = ["| code | applies | summary | waivable |", "|---|---|---|---|"]
    rows += [
        f"| {_anchored(code)} | {', '.join(code.applies_in_order)} | {_cell(code.summary)} | {_waivable(code)} |"
        for code in CATALOG.values()
    ]
    return "\n".join(rows)


def iam_list() -> str:
    """The IAM actions `check live` needs, one line per service, in a code fence."""
    by_service = groupby(live_iam(), key=lambda action: action.split(":")[0])
    lines = [", ".join(actions) for _, actions in by_service]
    return "\n".join(["```", *lines, "```"])


def render(block: str) -> str:
    return {"codes": codes_table, "iam": iam_list}[block]()


def marked(block: str) -> re.Pattern[str]:
    """The text between a block's markers (the markers on their own lines)."""
    return re.compile(rf"(?<=<!-- {block}:begin -->\n)(.*?)(?=\n<!-- {block}:end -->)", re.DOTALL)


def current(text: str, block: str) -> str | None:
    match = marked(block).search(text)
    return match.group(1) if match else None


def rewrite(text: str, blocks: tuple[str, ...] = tuple(BLOCKS), name: str = "the text") -> str:
    for block in blocks:
        if current(text, block) is None:
            raise SystemExit(f"{name} has no <!-- {block}:begin --> ... <!-- {block}:end --> block")
        rendered = render(block)
        text = marked(block).sub(lambda _, rendered=rendered: rendered, text)
    return text


def main(argv: list[str]) -> None:
    if "--write" in argv:
        for block, path in BLOCKS.items():
            name = str(path.relative_to(REPO_ROOT))
            path.write_text(rewrite(path.read_text(encoding="utf-8"), (block,), name), encoding="utf-8")
            print(path)
    else:
        print(render("iam" if "--iam" in argv else "codes"))


if __name__ == "__main__":
    main(sys.argv[1:])

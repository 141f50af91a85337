"""Render the README's blocks that come from the code catalog (guards/catalog.py).

    .venv/bin/python scripts/render_catalog.py           # print the code table
    .venv/bin/python scripts/render_catalog.py --iam     # print the IAM list of `check live`
    .venv/bin/python scripts/render_catalog.py --write   # replace both blocks in README.md

The README holds them between `<!-- codes:begin -->`/`<!-- codes:end -->` and
`<!-- iam:begin -->`/`<!-- iam:end -->`; tests/guards/test_catalog.py fails while either
differs from what this renders, so run `--write` after changing the catalog.
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

README = REPO_ROOT / "README.md"
BLOCKS = ("codes", "iam")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _waivable(code: Code) -> str:
    if code.waivable:
        return "yes"
    return f"no (`{code.waived_by}`)" if code.waived_by else "no"


def codes_table() -> str:
    """code | applies | summary | waivable, one row per entry in catalog order."""
    rows = ["| code | applies | summary | waivable |", "|---|---|---|---|"]
    rows += [
        f"| `{code.id}` | {', '.join(code.applies_in_order)} | {_cell(code.summary)} | {_waivable(code)} |"
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


def current(readme: str, block: str) -> str | None:
    match = marked(block).search(readme)
    return match.group(1) if match else None


def rewrite(readme: str) -> str:
    for block in BLOCKS:
        if current(readme, block) is None:
            raise SystemExit(f"README.md has no <!-- {block}:begin --> ... <!-- {block}:end --> block")
        rendered = render(block)
        readme = marked(block).sub(lambda _, text=rendered: text, readme)
    return readme


def main(argv: list[str]) -> None:
    if "--write" in argv:
        README.write_text(rewrite(README.read_text(encoding="utf-8")), encoding="utf-8")
        print(README)
    else:
        print(render("iam" if "--iam" in argv else "codes"))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The catalog as people read it: one line per code, or everything about one code."""

from __future__ import annotations

import difflib
import textwrap

from guards.catalog import CATALOG, Code

WIDTH = 80


def rules_table(codes: list[Code] | None = None) -> str:
    """`code  where  severity  waivable`, then the summary indented below: fits 80 columns."""
    codes = codes if codes is not None else sorted(CATALOG.values(), key=lambda c: c.id)
    width = max(len(code.id) for code in codes)
    lines = [f"{'code':<{width}}  {'severity':<8}  {'waiver':<6}  applies to"]
    for code in codes:
        waivable = "yes" if code.waivable else "no"
        where = " ".join(code.applies_in_order)
        lines.append(f"{code.id:<{width}}  {code.severity:<8}  {waivable:<6}  {where}")
        lines += _wrap(code.summary, "    ")
    lines.append(f"{len(codes)} codes; `stackguard explain CODE` for why, how to fix and how to waive")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)


def _paragraph(title: str, text: str) -> list[str]:
    return [f"{title}:", *_wrap(text, "  ")]


def how_to_waive(code: Code) -> str:
    if code.waivable:
        return (
            f'a [[waivers]] entry in the policy: rule = "{code.id}", a subject (address or ARN; '
            "wildcards allowed but not only wildcards), a justification and an expiry within "
            "the policy's horizon; the waived finding stays visible in every report and verdict"
        )
    if code.waived_by:
        return f"not by the policy (a safety gate); only visibly, with {code.waived_by}, which every snapshot records"
    return "it cannot be waived: it is a safety gate, and no policy entry or flag covers it"


def explain(code: Code) -> str:
    lines = [f"{code.id}  ({code.severity}; applies to {', '.join(code.applies_in_order)})", ""]
    lines += _paragraph("what", code.summary)
    lines += _paragraph("why it matters", code.why)
    lines += _paragraph("how to fix", code.remediation)
    lines += _paragraph("how to waive", how_to_waive(code))
    if code.iam:
        lines += ["IAM the live check needs for it:", *(f"  {action}" for action in code.iam)]
    return "\n".join(lines) + "\n"


def lookup(name: str) -> Code:
    """The entry for `name`, or a LookupError that suggests the nearest codes."""
    if name in CATALOG:
        return CATALOG[name]
    near = difflib.get_close_matches(name, list(CATALOG), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else "; `stackguard rules` lists them"
    raise LookupError(f"no code {name!r} in the catalog{hint}")

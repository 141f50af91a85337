"""Output formats of `stackguard check`: pure functions from a snapshot to text.

They print only what the snapshot holds, so nothing reaches an output that the evidence
itself does not already carry.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from evidence.snapshot import Snapshot

from . import json_format, junit, markdown, sarif, text

Renderer = Callable[[Snapshot], str]


class Format(StrEnum):
    """The output formats, in the order `--help` lists them."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"


FORMATS: dict[str, Renderer] = {
    Format.TEXT: text.render,
    Format.JSON: json_format.render,
    Format.SARIF: sarif.render,
    Format.JUNIT: junit.render,
    Format.MARKDOWN: markdown.render,
}


class UnknownFormatError(ValueError):
    """A format name that is not in FORMATS: a usage error, not a failure of the checks."""


def render(snapshot: Snapshot, fmt: Format | str, *, github_repository: str | None = None) -> str:
    """`github_repository` (`owner/repo`) lets SARIF link each rule to its documentation."""
    if fmt == Format.SARIF:
        return sarif.render(snapshot, github_repository=github_repository)
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UnknownFormatError(
            f"unknown output format {fmt!r}; expected one of: {known}"
        ) from None
    return renderer(snapshot)


__all__ = ["FORMATS", "Format", "Renderer", "UnknownFormatError", "render"]

"""Terraform's error blocks, read from its stderr: each one whole, and one line for a message.

Terraform prints each error as a block: `Error: <summary>`, a blank line, detail paragraphs,
and for a resource `with <address>,` and `on <file> line N, in ...:` with the source line;
framed in `╷ │ ╵` when colour is on, plain with `-no-color`. The old cut (the last `Error:`
line, 300 characters) dropped the reason ("no available releases match ...", `NoSuchEntity:
...`) and the address, which is what an operator needs, so:

- `diagnostics`: every error block, undecorated, with its address;
- `summary`: one line: the first error's summary, its first detail paragraph, the SDK's
  noise (status code, request ids) removed, cut in the middle (never at the end, where AWS
  puts the reason), then the address, then how many more errors (and their addresses).

Pure: the caller has already scrubbed the text of the lane's secrets; anything shaped like an
AWS key id is removed here as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FRAME = "│╷╵"
_KEY_LIKE = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
_WITH = re.compile(r"^with (\S+?),?$")
_SOURCE = re.compile(r"^(?:on .+ line \d+|\d+:)")
_NOISE = (
    re.compile(r"https response error StatusCode: \d+, "),
    re.compile(r"(?:RequestID|HostID): [^,]*, "),
    re.compile(r"^status code: \d+, request id: .*$", re.IGNORECASE),
)
REDACTED = "(redacted)"
#: The message part of the one line (the address and the count of more errors come after it).
MAX_MESSAGE = 400
_HEAD = 150


@dataclass(frozen=True)
class Diagnostic:
    """One error block: its text (undecorated, whole), its summary line, its address."""

    text: str
    summary: str
    detail: str  # the first detail paragraph, on one line ("" when there is none)
    address: str | None


def _plain(stderr: str) -> list[str]:
    """Lines without colour, frame or trailing space; indentation inside the frame kept."""
    lines = []
    for raw in _KEY_LIKE.sub(REDACTED, _ANSI.sub("", stderr)).splitlines():
        line = raw.rstrip()
        if line[:1] in _FRAME:
            line = line[1:].rstrip() if line[1:2] != " " else line[2:].rstrip()
        lines.append(line)
    return lines


def _blocks(lines: list[str]) -> list[list[str]]:
    """The lines of each `Error:` block; a `Warning:` or the next error ends one."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if line.startswith("Error:"):
            current = [line]
            blocks.append(current)
        elif line.startswith("Warning:"):
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _diagnostic(block: list[str]) -> Diagnostic:
    while block and not block[-1].strip():
        block = block[:-1]
    address = None
    paragraphs: list[list[str]] = [[]]
    for line in block[1:]:
        stripped = line.strip()
        if match := _WITH.match(stripped):
            address = address or match.group(1)
        elif not stripped:
            paragraphs.append([])
        elif not _SOURCE.match(stripped):
            paragraphs[-1].append(stripped)
    detail = next((" ".join(p) for p in paragraphs if p and _denoised(" ".join(p))), "")
    return Diagnostic("\n".join(block), block[0], _denoised(detail), address)


def _denoised(text: str) -> str:
    for pattern in _NOISE:
        text = pattern.sub("", text)
    return " ".join(text.split())


def diagnostics(stderr: str) -> list[Diagnostic]:
    """Every error block in terraform's stderr, in the order printed."""
    return [_diagnostic(block) for block in _blocks(_plain(stderr))]


def _cut(text: str) -> str:
    if len(text) <= MAX_MESSAGE:
        return text
    tail = MAX_MESSAGE - _HEAD - len(" ... ")
    return f"{text[:_HEAD].rstrip()} ... {text[-tail:].lstrip()}"


def _message(diagnostic: Diagnostic) -> str:
    head = _denoised(diagnostic.summary)
    if diagnostic.detail:
        head += (" " if head.endswith((".", ":")) else ": ") + diagnostic.detail
    return _cut(head)


def summary(stderr: str) -> str:
    """One line for a message: the first error, its reason and address, and the rest counted;
    without an error block, the last non-empty line."""
    found = diagnostics(stderr)
    if not found:
        meaningful = [" ".join(line.split()) for line in _plain(stderr) if line.strip()]
        return _cut(meaningful[-1]) if meaningful else "no output on stderr"
    first, more = found[0], found[1:]
    line = _message(first) + (f" ({first.address})" if first.address else "")
    if more:
        addresses = [d.address for d in more if d.address]
        named = f" ({', '.join(addresses[:5])}{', ...' if len(addresses) > 5 else ''})" if addresses else ""
        line += f"; and {len(more)} more error{'s' if len(more) > 1 else ''}{named}"
    return line

"""Parse Terraform resource addresses, respecting brackets and quoted keys.

Only needed for hand-written plans that omit `mode`/`name`/`index`: real plans carry those
fields, and splitting an address on dots breaks on keys like `["example.com"]`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

_NAME = re.compile(r'[^.\[\]"\s]+')
_INDEX = re.compile(r"-?\d+")


@dataclass(frozen=True, slots=True)
class ResourceAddress:
    module_path: str
    mode: str  # "managed" or "data"
    type: str
    name: str
    index: int | str | None


class AddressError(ValueError):
    """Not a resource instance address."""


_NO_KEY = object()


def format_key(key: int | str) -> str:
    return f"[{key}]" if isinstance(key, int) else f'["{key}"]'


def _read_key(address: str, pos: int) -> tuple[int | str, int]:
    """Read `[0]` or `["key"]` starting at the `[`; returns the key and the index after `]`."""
    pos += 1
    if address.startswith('"', pos):
        try:
            key, pos = scanstring(address, pos + 1)
        except json.JSONDecodeError:
            raise AddressError("unterminated key") from None
    else:
        match = _INDEX.match(address, pos)
        if match is None:
            raise AddressError("bad index")
        key, pos = int(match.group()), match.end()
    if not address.startswith("]", pos):
        raise AddressError("unclosed bracket")
    return key, pos + 1


def split_steps(address: str) -> list[tuple[str, object]]:
    """`module.a["x.y"].aws_b.c[0]` -> module, (a, "x.y"), aws_b, (c, 0); NO_KEY where no key."""
    steps: list[tuple[str, object]] = []
    pos = 0
    while True:
        match = _NAME.match(address, pos)
        if match is None:
            raise AddressError("empty step")
        name, pos = match.group(), match.end()
        key: object = _NO_KEY
        if address.startswith("[", pos):
            key, pos = _read_key(address, pos)
        steps.append((name, key))
        if pos == len(address):
            return steps
        if not address.startswith(".", pos):
            raise AddressError("unexpected character")
        pos += 1


def parse_address(address: str) -> ResourceAddress:
    steps = split_steps(address)
    modules: list[str] = []
    at = 0
    while at + 2 < len(steps) and steps[at] == ("module", _NO_KEY):
        name, key = steps[at + 1]
        modules.append(f"module.{name}" + ("" if key is _NO_KEY else format_key(key)))  # type: ignore[arg-type]
        at += 2
    rest = steps[at:]
    mode = "managed"
    if len(rest) == 3 and rest[0] == ("data", _NO_KEY):
        mode, rest = "data", rest[1:]
    if len(rest) != 2 or rest[0][1] is not _NO_KEY or rest[0][0] in ("module", "data"):
        raise AddressError("not a resource instance address")
    (rtype, _), (name, key) = rest
    index = None if key is _NO_KEY else key
    return ResourceAddress(".".join(modules), mode, rtype, name, index)  # type: ignore[arg-type]

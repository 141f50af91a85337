"""Read a JSON object one top-level member at a time.

A plan holds the same infrastructure three times (planned_values, resource_changes,
prior_state). Decoding member by member lets the collectors stream `resource_changes`
element by element and drop the copies they do not need, so a 50,000-resource plan is
never fully materialized. Syntax errors surface as `json.JSONDecodeError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from guards.documents.errors import InputError

#: Receives (position, element) for each element of a streamed top-level array.
ElementSink = Callable[[int, Any], None]

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(slots=True)
class TopLevel:
    """What was read of the top-level object."""

    members: dict[str, Any] = field(default_factory=dict)  # decoded and kept
    keys: list[str] = field(default_factory=list)  # every key, in document order
    offsets: dict[str, int] = field(default_factory=dict)  # where each value starts
    streamed: set[str] = field(default_factory=set)  # keys whose elements went to a sink
    end: int = 0  # index just after the closing brace
    text: str = ""  # the document, to re-read a member that was dropped

    def reread(self, key: str) -> Any:
        """A member's value, decoding it again from the text if it was dropped."""
        if key in self.members:
            return self.members[key]
        if key in self.offsets and self.text:
            return decode_value(self.text, self.offsets[key])[0]
        return None


def _skip_whitespace(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


def decode_value(text: str, pos: int) -> tuple[Any, int]:
    """Decode the JSON value starting at `pos`; returns it and the index after it."""
    return _DECODER.raw_decode(text, pos)


def _stream_array(text: str, pos: int, sink: ElementSink) -> int:
    pos = _skip_whitespace(text, pos + 1)
    if text.startswith("]", pos):
        return pos + 1
    position = 0
    while True:
        element, pos = decode_value(text, pos)
        sink(position, element)
        del element
        position += 1
        pos = _skip_whitespace(text, pos)
        if text.startswith("]", pos):
            return pos + 1
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip_whitespace(text, pos + 1)


def read_object(
    text: str,
    start: int = 0,
    *,
    sinks: Mapping[str, ElementSink] | None = None,
    drop: Collection[str] = (),
) -> TopLevel:
    """Read the object at `start`.

    Arrays under a key in `sinks` are streamed to the sink instead of being kept; values
    under a key in `drop` are decoded (to find their end) and discarded at once.
    """
    sinks = sinks or {}
    top = TopLevel(text=text)
    pos = _skip_whitespace(text, start)
    if not text.startswith("{", pos):
        raise json.JSONDecodeError("Expecting '{'", text, pos)
    pos = _skip_whitespace(text, pos + 1)
    if text.startswith("}", pos):
        top.end = pos + 1
        return top
    while True:
        if not text.startswith('"', pos):
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, pos
            )
        key, pos = scanstring(text, pos + 1)
        if key in top.offsets:
            raise InputError(f"the top-level key {key[:40]!r} appears twice")
        pos = _skip_whitespace(text, pos)
        if not text.startswith(":", pos):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = _skip_whitespace(text, pos + 1)
        top.keys.append(key)
        top.offsets[key] = pos
        sink = sinks.get(key)
        if sink is not None and text.startswith("[", pos):
            pos = _stream_array(text, pos, sink)
            top.streamed.add(key)
        else:
            value, pos = decode_value(text, pos)
            if key not in drop:
                top.members[key] = value
            del value
        pos = _skip_whitespace(text, pos)
        if text.startswith("}", pos):
            top.end = pos + 1
            return top
        if not text.startswith(",", pos):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip_whitespace(text, pos + 1)

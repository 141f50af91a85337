"""Names that become path segments (run ids, environments, lanes): a safe charset, no
separators, a bounded length, so nothing is ever written outside the evidence tree."""

from __future__ import annotations

import re

SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def check_segment(value: str, what: str) -> str:
    """`value` unchanged when it is one safe path segment, else ValueError naming `what`."""
    if not isinstance(value, str) or not SAFE_SEGMENT.fullmatch(value) or ".." in value:
        raise ValueError(
            f"{what} {value!r} must be 1-128 letters, digits, '.', '_' or '-', start with a "
            "letter or digit, and hold no path separator or '..'"
        )
    return value

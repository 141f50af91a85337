"""Receive streamed resource elements one at a time, keeping the first error for later.

The error is raised only once the document is known to be of the expected kind, so a
document of another kind is named as such rather than reported by a misplaced complaint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from guards.documents.errors import InputError
from guards.inventory import Resource

Convert = Callable[[Any, "str | None", str], Iterable[Resource]]
"""(element, stack, where) -> the resources it describes; raises InputError."""


class ResourceSink:
    __slots__ = ("convert", "error", "resources", "section", "stack")

    def __init__(self, stack: str | None, section: str, convert: Convert) -> None:
        self.stack = stack
        self.section = section
        self.convert = convert
        self.resources: list[Resource] = []
        self.error: InputError | None = None

    def __call__(self, position: int, element: Any) -> None:
        if self.error is not None:
            return
        try:
            self.resources.extend(self.convert(element, self.stack, f"{self.section}[{position}]"))
        except InputError as error:
            self.error = error

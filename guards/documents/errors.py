"""The one error a document collector raises: bad input, reported in one line (exit code 2)."""

from __future__ import annotations

import os


def _one_line(text: str) -> str:
    return " ".join(text.split())


class InputError(ValueError):
    """A document that cannot be read as what it claims to be.

    The message is one line: the file, the problem, and how to produce the right input.
    It never quotes document values beyond a short structural hint.
    """

    def __init__(self, problem: str, remedy: str = "", path: str | os.PathLike[str] | None = None):
        self.problem = _one_line(problem)
        self.remedy = _one_line(remedy)
        self.path = None if path is None else _one_line(os.fspath(path))
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.path}: {self.problem}" if self.path else self.problem
        return f"{head}; {self.remedy}" if self.remedy else head

    def completed(self, path: str | os.PathLike[str], remedy: str) -> InputError:
        """The same error, naming the file and a remedy if it had none yet."""
        return InputError(
            self.problem,
            self.remedy or remedy,
            self.path if self.path is not None else path,
        )

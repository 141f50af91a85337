"""The exit codes every stackguard command keeps (see docs/cli.md)."""

from enum import IntEnum


class ExitCode(IntEnum):
    PASS = 0
    BLOCKERS = 1
    BAD_INPUT = 2  # bad input, usage or configuration, with a one-line reason
    ENVIRONMENT = 3  # environment or tooling failure (node missing, AWS unreachable)


class StackguardError(Exception):
    """An expected failure: the CLI prints its one-line message and exits with `code`."""

    code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, code: ExitCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

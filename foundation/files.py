"""Read an input file only if it is a regular file within the size limit.

A FIFO, a device (`/dev/zero`), a socket or a directory given where a document, policy,
configuration or snapshot is expected would hang or eat memory if read blindly; they are
refused at once. The file is opened without blocking and judged on the descriptor
(`fstat`), so what is judged is what is read, even if the path is swapped meanwhile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_INPUT_ENV = "STACKGUARD_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 512
MIB = 1 << 20


class RefusedFile(ValueError):
    """Not a regular file, too large, or unreadable: the reason, without the path."""


class MissingFile(RefusedFile):
    """There is no file at that path."""


def max_input_bytes() -> int:
    """The limit: $STACKGUARD_MAX_INPUT_MB (set by `--max-input-mb`), else the default."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_MB * MIB
    try:
        megabytes = int(raw)
    except ValueError:
        raise RefusedFile(f"{MAX_INPUT_ENV}={raw!r} is not a whole number of MiB") from None
    if megabytes <= 0:
        raise RefusedFile(f"{MAX_INPUT_ENV} must be a positive number of MiB, not {megabytes}")
    return megabytes * MIB


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular_file(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The file's bytes; RefusedFile when it is not a regular file or exceeds the limit."""
    limit = max_input_bytes() if limit is None else limit
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as error:
        raise MissingFile(f"cannot be read ({error.strerror})") from None
    except IsADirectoryError:
        raise RefusedFile("is a directory, not a file") from None
    except OSError as error:
        raise RefusedFile(f"cannot be read ({error.strerror or type(error).__name__})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise RefusedFile(_too_large(info.st_size, limit))
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=True) as handle:
            descriptor = -1
            data = handle.read(limit + 1)
    except OSError as error:
        raise RefusedFile(f"cannot be read ({error.strerror or type(error).__name__})") from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > limit:  # it grew while being read
        raise RefusedFile(_too_large(len(data), limit))
    return data


def _too_large(size: int, limit: int) -> str:
    return (
        f"is larger than the input limit ({size / MIB:.0f} MiB > {limit // MIB} MiB); "
        f"raise it with --max-input-mb or {MAX_INPUT_ENV}"
    )


def is_regular_file(path: Path) -> bool:
    """For directory walks: a regular file (symlinks followed), never blocking."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False

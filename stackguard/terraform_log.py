"""The log of everything terraform printed during one operation, scrubbed, in the run's evidence.

A failure's message is one line; the whole of what terraform said (every error block, the
apply's progress) is here, so the reason is never lost. The log is created on the first
terraform command (0600, exclusively: it never replaces a file that is there), and each
command is appended as one entry in one write, after it ended: a reader sees whole entries.
What goes in has passed the lane's `Scrubber` (known credentials, anything key-like);
`show -json` output (plans and state, with their values) is never logged, only its size:
the snapshot records it by sha256.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from foundation.clock import utc_now

_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
_APPEND = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)


class LogRefused(OSError):
    """The log cannot be created; one line."""


@dataclass(eq=False)
class TerraformLog:
    path: os.PathLike[str] | str
    created: bool = False

    def create(self) -> bool:
        """Create the log if this run has not yet; True when this call created it."""
        if self.created:
            return False
        path = os.fspath(self.path)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            descriptor = os.open(path, _CREATE, 0o600)
        except FileExistsError:
            raise LogRefused(f"{path} already exists (a log is never overwritten); use another --run-id") from None
        except OSError as exc:
            raise LogRefused(f"{path} cannot be created: {exc.strerror or exc}") from None
        try:
            os.fchmod(descriptor, 0o600)  # whatever the umask: only this user reads it
        finally:
            os.close(descriptor)
        self.created = True
        return True

    def append(self, text: str) -> str | None:
        """Add one entry; None, or why it could not be written (one line)."""
        data = text.encode("utf-8", "replace")
        try:
            descriptor = os.open(os.fspath(self.path), _APPEND)
            try:
                while data:
                    data = data[os.write(descriptor, data):]
            finally:
                os.close(descriptor)
        except OSError as exc:
            return f"warning: terraform log {os.fspath(self.path)} not written: {exc.strerror or exc}"
        return None


def entry(
    argv: Sequence[str],
    *,
    returncode: int | None,
    seconds: float,
    stdout: str | None,
    stdout_bytes: int,
    stderr: str,
    interrupted: str | None = None,
) -> str:
    """One command's entry: what ran, how it ended, then its (scrubbed) output. `stdout`
    None: machine output that is not logged, only counted."""
    ended = f"exit {returncode}" + (f", interrupted by {interrupted}" if interrupted else "")
    lines = [f"==> {utc_now().isoformat().replace('+00:00', 'Z')} $ {' '.join(argv)}", f"{ended} after {seconds:.1f}s"]
    if stdout is None:
        lines.append(f"--- stdout: {stdout_bytes} bytes of JSON, not logged (the snapshot records its sha256)")
    else:
        lines += ["--- stdout", stdout.rstrip("\n")]
    lines += ["--- stderr", stderr.rstrip("\n"), "", ""]
    return "\n".join(lines)

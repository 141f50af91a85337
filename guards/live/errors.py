"""A failed API call is a finding with status ERROR, never a silent pass."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from guards.findings import Finding, error

#: What a collector catches around one API call: AWS refusals and transport failures.
API_FAILURES = (ClientError, BotoCoreError)

#: Codes only collectors report (no rule judges them): queries that could not be made.
COLLECTOR_CODES: tuple[str, ...] = ("cost-query-failed", "residual-resource", "backend-state-unreadable")


def api_error(code: str, method: str, region: str | None, exc: Exception, stack: str | None = None) -> Finding:
    """ERROR under the code of the check that could not run, naming method and error code."""
    if isinstance(exc, ClientError):
        reason = exc.response.get("Error", {}).get("Code", "ClientError")
    else:
        reason = type(exc).__name__
    where = f"{method}@{region}" if region else method
    return error(code, where, stack, f"{method} failed with {reason}: the check could not run (fail-closed)")

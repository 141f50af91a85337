"""A failed API call is a finding with status ERROR, never a silent pass."""

from __future__ import annotations

from foundation.aws import API_FAILURES, error_code
from guards.catalog import Code
from guards.findings import Finding, error

__all__ = ["API_FAILURES", "api_error"]


def api_error(code: Code, method: str, region: str | None, exc: Exception, stack: str | None = None) -> Finding:
    """ERROR under the code of the check that could not run, naming method and error code."""
    where = f"{method}@{region}" if region else method
    return error(code, where, stack, f"{method} failed with {error_code(exc)}: the check could not run (fail-closed)")

"""Teardown guards: pure functions that decide whether a destroy may go ahead and
whether it left anything behind.

They are not registered rules: they take inputs a rule does not (the target stack, the
addresses it owns, the preserve-set, the environment's credentials), and they must not
run in the check lanes. `CODES` lists every code they report, for the catalog.
"""

from guards.teardown.contract import OUT_OF_SCOPE, PRESERVE_VIOLATION, UNEXPECTED_ACTION
from guards.teardown.coupling import CODE as DESTROY_ORDER
from guards.teardown.credentials import CODE as STATIC_CREDENTIALS
from guards.teardown.verification import APPLY_FAILED, PRESERVE_MISSING, RESIDUAL

CODES: tuple[str, ...] = (
    PRESERVE_VIOLATION,
    OUT_OF_SCOPE,
    UNEXPECTED_ACTION,
    DESTROY_ORDER,
    STATIC_CREDENTIALS,
    PRESERVE_MISSING,
    APPLY_FAILED,
    RESIDUAL,
)

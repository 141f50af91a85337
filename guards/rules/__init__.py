"""Rule families, one module each. Importing this package registers them all."""

from guards.rules import (
    backend,
    backend_live,
    budget,
    budget_action,
    ci_roles,
    cost,
    estimate,
    live_state,
    names,
    spend,
    tags,
)

__all__ = ["backend", "backend_live", "budget", "budget_action", "ci_roles", "cost", "estimate", "live_state", "names", "spend", "tags"]

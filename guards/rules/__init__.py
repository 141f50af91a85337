"""Rule families, one module each. Importing this package registers them all."""

from guards.rules import backend, budget, cost, tags

__all__ = ["backend", "budget", "cost", "tags"]

"""Teardown guards: pure functions that decide whether a destroy may go ahead and
whether it left anything behind.

They are not registered rules: they take inputs a rule does not (the target stack, the
addresses it owns, the preserve-set, the environment's credentials), and they must not
run in the check lanes. Their codes are catalog entries (`guards.catalog`).
"""

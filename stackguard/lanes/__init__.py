"""Lanes: each turns inputs into an evidence snapshot. Side effects live here, not in guards."""

"""The bottom layer: small utilities that `stacks/`, `guards/`, `evidence/` and `stackguard/`
all import, and which import none of them.

errors and exit codes, TOML loading, the clock, digests, AWS error helpers and the one
paginator, and the stack topology.
"""

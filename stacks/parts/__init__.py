"""Reusable constructs the stacks are assembled from."""

"""Test support shared across the tree: emulator shims and fakes, one module each."""

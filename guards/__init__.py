"""Guards: pure rules over a normalized inventory (filled in by the guards issue)."""

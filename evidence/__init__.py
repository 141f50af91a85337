"""Evidence: snapshots with computed `overall_pass` and `blockers` (filled in by the guards issue)."""

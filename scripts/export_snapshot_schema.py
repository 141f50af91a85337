"""Write the JSON Schema of the evidence snapshot to evidence/schema/snapshot.schema.json.

Run after changing evidence/snapshot.py; tests/evidence/test_schema.py fails until the
checked-in schema matches the model:

    .venv/bin/python scripts/export_snapshot_schema.py
"""

from __future__ import annotations

from evidence.schema_export import SCHEMA_FILE, snapshot_schema_json

if __name__ == "__main__":
    SCHEMA_FILE.write_text(snapshot_schema_json(), encoding="utf-8")
    print(SCHEMA_FILE)

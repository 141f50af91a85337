"""The snapshot's JSON Schema, as consumers of the evidence see it (serialization mode,
so the derived `overall_pass` and `blockers` are part of it)."""

from __future__ import annotations

import json
from pathlib import Path

from evidence.snapshot import Snapshot

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "snapshot.schema.json"


def snapshot_schema_json() -> str:
    schema = Snapshot.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://stackguard.invalid/schema/snapshot.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"

"""What a cost or budget snapshot records about spend: amount, exact window, data age.

A spend figure means little without the window it covers and how fresh it is, and a
verdict reader must be able to check both, so they go into the snapshot's `details`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from guards.live_facts import Spend


def _utc(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("data_as_of must carry a time zone")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def spend_details(spend: list[Spend]) -> dict[str, Any]:
    """JSON-ready `details`: per source, the amount (exact decimal string), the window
    `[start, end)` as YYYY-MM-DD with the end exclusive, and `data_as_of` in UTC."""
    records = sorted(spend, key=lambda s: (s.source, s.start, s.end))
    return {
        "spend": [
            {
                "source": record.source,
                "amount_usd": format(record.amount_usd, "f"),
                "window": {
                    "start": record.start.isoformat(),
                    "end": record.end.isoformat(),
                    "end_exclusive": True,
                },
                "empty_window": record.start == record.end,
                "data_as_of": _utc(record.data_as_of),
            }
            for record in records
        ]
    }

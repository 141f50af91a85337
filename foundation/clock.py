"""One clock for snapshots, cost windows and lock ages: UTC, whole seconds.

Whole seconds keep snapshots byte-stable to read and compare; nothing here needs finer.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)

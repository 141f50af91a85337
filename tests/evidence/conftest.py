from __future__ import annotations

import datetime as dt

from evidence.snapshot import Snapshot
from foundation.coverage import LIVE_SECTIONS, coverage
from foundation.topology import STACK_NAMES
from guards.findings import Finding

T0 = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.timezone.utc)


def make_snapshot(findings: list[Finding], **overrides) -> Snapshot:
    fields = dict(
        lane="synth",
        run_id="20261123T030000Z-abcdef",
        environment="dev_min",
        started_at=T0,
        finished_at=T0 + dt.timedelta(seconds=2),
        policy_digest="a" * 64,
        input_digests={"cdktf.out/stacks/core/cdk.tf.json": "b" * 64},
        tool_version="0.1.0",
        git_sha="c" * 40,
        findings=findings,
        # what a whole-platform check records (check synth of cdktf.out, check live)
        details={"coverage": coverage(stacks=STACK_NAMES, sections=LIVE_SECTIONS)},
    )
    return Snapshot(**(fields | overrides))

"""What the moto server cannot serve, taught to it in one place, a comment on each patch.

The server still answers over real HTTP; only the missing actions are added, from the
data moto itself stores.
"""

from __future__ import annotations

import json

NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")


def serve_budget_subscribers(monkeypatch) -> None:
    """moto 5.2.5 stores a notification's subscribers but does not serve
    `DescribeSubscribersForNotification`. Teach the (in-process, threaded) server that one
    action from its own stored data; the collector still reaches it over HTTP."""
    from moto.budgets.responses import BudgetsResponse

    def describe_subscribers_for_notification(self) -> str:
        wanted = self._get_param("Notification")
        stored = self.backend.budgets[self._get_param("AccountId")][self._get_param("BudgetName")]
        found = next(
            n
            for n in stored.notifications
            if all(n.details.get(k) == wanted.get(k) for k in NOTIFICATION_KEYS)
        )
        return json.dumps({"Subscribers": found.subscribers, "NextToken": None})

    monkeypatch.setattr(
        BudgetsResponse,
        "describe_subscribers_for_notification",
        describe_subscribers_for_notification,
        raising=False,
    )

"""What people do to an alert (acknowledge, snooze, reopen), the same in every alert store.

Each store says only how it writes an alert's review fields (``_write_review``); what those
fields hold for each action is decided here, once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.alerts import REVIEW_FIELDS, Alert
from core.clock import as_utc


class AlertReviews:
    """``acknowledge``, ``snooze`` and ``reopen`` over a store's ``_write_review`` and ``get``."""

    def _write_review(self, alert_id: str, values: dict[str, Any]) -> None:
        """Replace the alert's review fields; ``KeyError`` when there is no such alert."""
        raise NotImplementedError

    def get(self, alert_id: str) -> Alert | None:
        raise NotImplementedError

    def _review(self, alert_id: str, review: dict[str, Any]) -> Alert:
        self._write_review(alert_id, {name: review.get(name) for name in REVIEW_FIELDS})
        found = self.get(alert_id)
        assert found is not None
        return found

    def acknowledge(self, alert_id: str, user: str, at: datetime) -> Alert:
        return self._review(alert_id, {"status": "acknowledged", "acknowledged_by": user,
                                       "acknowledged_at": as_utc(at).isoformat()})

    def snooze(self, alert_id: str, until: datetime, user: str, at: datetime) -> Alert:
        return self._review(alert_id, {"status": "snoozed", "snoozed_until":
                                       as_utc(until).isoformat(), "acknowledged_by": user,
                                       "acknowledged_at": as_utc(at).isoformat()})

    def reopen(self, alert_id: str) -> Alert:
        return self._review(alert_id, {"status": "open"})

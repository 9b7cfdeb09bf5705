"""The retention policy: items older than ``retention_days`` are deleted; the audit log stays."""

from __future__ import annotations

from datetime import datetime, timedelta

from index.store import ItemStore


def retention_cutoff(retention_days: int, now: datetime) -> datetime | None:
    """The date before which items expire, or ``None`` when retention is off (0 days)."""
    if retention_days <= 0:
        return None
    return now - timedelta(days=retention_days)


def enforce_retention(store: ItemStore, retention_days: int, now: datetime) -> int:
    """Delete expired items (``settings.retention_days``); return how many went."""
    cutoff = retention_cutoff(retention_days, now)
    return 0 if cutoff is None else store.apply_retention(cutoff)

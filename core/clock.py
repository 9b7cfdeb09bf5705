"""Time helpers: everything is stored in UTC; Vietnam's zone is explicit where it matters."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_utc() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime, assume: ZoneInfo = VIETNAM_TZ) -> datetime:
    """Convert to UTC; a naive time is taken to be in ``assume`` (Vietnam unless told)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=assume)
    return moment.astimezone(UTC)


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 time; a value without offset is taken to be Vietnam time."""
    return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))

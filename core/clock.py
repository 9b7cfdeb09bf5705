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


def zone_named(name: str) -> ZoneInfo:
    """The zone of a setting such as ``KIEMCHUNG_TIMEZONE`` ("Asia/Ho_Chi_Minh")."""
    return ZoneInfo(name)


def local_time(moment: datetime, zone: ZoneInfo = VIETNAM_TZ) -> datetime:
    """``moment`` as the clock on the wall of ``zone`` shows it (a naive time is taken as
    Vietnam time, like everywhere else)."""
    return as_utc(moment).astimezone(zone)


def local_iso(moment: datetime, zone: ZoneInfo = VIETNAM_TZ) -> str:
    """ISO 8601 in ``zone``, with its offset, to the second: "2026-05-10T06:00:00+07:00"."""
    return local_time(moment, zone).isoformat(timespec="seconds")


def zone_label(zone: ZoneInfo = VIETNAM_TZ, at: datetime | None = None) -> str:
    """The zone named for a reader: "Asia/Ho_Chi_Minh (UTC+07:00)"."""
    offset = local_time(at or now_utc(), zone).strftime("%z")
    return f"{zone.key} (UTC{offset[:3]}:{offset[3:]})"


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 time; a value without offset is taken to be Vietnam time."""
    return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))

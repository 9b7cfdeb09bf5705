"""Report periods: a month (``2026-03``), a half year (``2026-H1``) or a year (``2026``), in
Vietnam time, with the buckets their trend chart is drawn in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from core.clock import VIETNAM_TZ

PeriodKind = Literal["month", "half", "year"]


class PeriodError(ValueError):
    """The text does not name a report period; the message says which forms are accepted."""


@dataclass(frozen=True)
class Bucket:
    """One point of a trend: a day of a month, or a month of a half year or year."""

    label: str
    start: datetime
    end: datetime  # exclusive


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in the report's time zone, with its name as typed and in Vietnamese."""

    name: str
    kind: PeriodKind
    start: datetime
    end: datetime

    @property
    def title_vi(self) -> str:
        year = self.start.year
        if self.kind == "month":
            return f"Tháng {self.start.month}/{year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
        return f"Năm {year}"

    def buckets(self) -> list[Bucket]:
        """Days for a month, months for a half year or a year."""
        buckets = []
        cursor = self.start
        while cursor < self.end:
            if self.kind == "month":
                following = _add_days(cursor, 1)
                label = f"{cursor.day:02d}"
            else:
                following = _month_start(cursor.year, cursor.month + 1, cursor.tzinfo)
                label = f"{cursor.month:02d}/{cursor.year}"
            buckets.append(Bucket(label, cursor, following))
            cursor = following
        return buckets


def _month_start(year: int, month: int, zone: object) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    assert isinstance(zone, ZoneInfo)
    return datetime(year, month, 1, tzinfo=zone)


def _add_days(moment: datetime, days: int) -> datetime:
    # Wall-clock arithmetic: a day is a calendar day even where the zone has transitions.
    day = (moment.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=moment.tzinfo)
    return day


def parse_period(text: str, zone: ZoneInfo = VIETNAM_TZ) -> Period:
    """``2026-03`` (a month), ``2026-H1``/``2026-H2`` (a half year) or ``2026`` (a year).

    >>> parse_period("2026-H1").title_vi
    '6 tháng đầu năm 2026'
    """
    value = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r}: month must be 01 to 12")
        start = _month_start(year, month, zone)
        return Period(value, "month", start, _month_start(year, month + 1, zone))
    if match := re.fullmatch(r"(\d{4})-H([12])", value):
        year, half = int(match[1]), int(match[2])
        start = _month_start(year, 1 + 6 * (half - 1), zone)
        return Period(value, "half", start, _month_start(year, 7 + 6 * (half - 1), zone))
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        return Period(value, "year", _month_start(year, 1, zone), _month_start(year + 1, 1, zone))
    raise PeriodError(
        f"{text!r} is not a period: use YYYY-MM (month), YYYY-H1/YYYY-H2 (half year) or YYYY"
    )


def last_complete(kind: PeriodKind, now: datetime, zone: ZoneInfo = VIETNAM_TZ) -> Period:
    """The latest period of ``kind`` that has ended by ``now``: what a scheduled report covers."""
    local = now.astimezone(zone)
    if kind == "month":
        year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
        return parse_period(f"{year}-{month:02d}", zone)
    if kind == "half":
        name = f"{local.year - 1}-H2" if local.month <= 6 else f"{local.year}-H1"
        return parse_period(name, zone)
    return parse_period(str(local.year - 1), zone)

"""Parse the many date spellings of Vietnamese pages into timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from core.clock import VIETNAM_TZ

_ISO_LIKE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
# The printed form: "07/03/2026 08:47", "Thứ Bảy, 07/03/2026 - 08:52", "08:06 23/03/2015".
_DMY = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
_HM = re.compile(r"(?<!\d)(?P<H>\d{1,2})[:h](?P<M>\d{2})(?!\d)")
_RFC822 = re.compile(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}")


def _offset(text: str | None, default: tzinfo) -> tzinfo:
    if not text:
        return default
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return timezone(delta if text[0] == "+" else -delta)


def parse_date(value: str | None, default_tz: tzinfo = VIETNAM_TZ) -> datetime | None:
    """Parse ISO-ish, RFC 822 or printed Vietnamese dates; a time without offset is taken to be
    in ``default_tz`` (Asia/Ho_Chi_Minh).

    >>> parse_date("2026-03-07T08:52:11.000 +07:00").isoformat()
    '2026-03-07T08:52:11+07:00'
    """
    if not value:
        return None
    text = value.strip()
    if _RFC822.match(text):
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=default_tz)
    match = _ISO_LIKE.search(text)
    if match:
        return _build(match, _offset(match.group("tz"), default_tz))
    match = _DMY.search(text)
    if match:
        hm = _HM.search(text)
        try:
            return datetime(
                int(match["y"]), int(match["m"]), int(match["d"]),
                int(hm["H"]) if hm else 0, int(hm["M"]) if hm else 0, tzinfo=default_tz,
            )
        except ValueError:
            return None
    return None


def _build(match: re.Match[str], tz: tzinfo) -> datetime | None:
    try:
        return datetime(
            int(match["y"]), int(match["m"]), int(match["d"]),
            int(match["H"] or 0), int(match["M"] or 0), int(match["S"] or 0), tzinfo=tz,
        )
    except ValueError:
        return None

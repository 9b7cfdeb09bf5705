"""A story's timeline: when each copy appeared, on which source, and when the official word
came, laid out for a small server-drawn chart (one row per source, a running count of copies,
a line at each official denial). Pure layout over stored items: no request, no store writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from alerts.signals import appearance_time
from dashboards.official_evidence import OfficialEvidence
from index.query import StoredItem

#: Drawing area of the chart, in SVG user units (the page scales it to its width).
WIDTH: Final[int] = 720
ROW_HEIGHT: Final[int] = 26
LEFT: Final[int] = 170
RIGHT: Final[int] = 16
TOP: Final[int] = 24
COUNT_HEIGHT: Final[int] = 90
#: A story read for a timeline names at most this many copies.
MAX_COPIES: Final[int] = 500


@dataclass(frozen=True)
class Copy:
    stored: StoredItem
    at: datetime
    x: float = 0.0

    @property
    def id(self) -> str:
        return self.stored.id


@dataclass(frozen=True)
class Denial:
    evidence: OfficialEvidence
    at: datetime
    x: float = 0.0


@dataclass
class SourceRow:
    source_id: str
    copies: list[Copy] = field(default_factory=list)
    y: float = 0.0

    @property
    def first(self) -> datetime:
        return self.copies[0].at


@dataclass
class StoryTimeline:
    """Everything the timeline page draws and lists."""

    copies: list[Copy]
    rows: list[SourceRow]
    denials: list[Denial]
    start: datetime | None
    end: datetime | None
    height: int = TOP
    count_path: str = ""
    ticks: list[tuple[float, datetime]] = field(default_factory=list)

    @property
    def first_denial_after(self) -> timedelta | None:
        """How long after the first copy the first official denial came."""
        if not self.copies or not self.denials:
            return None
        return self.denials[0].at - self.copies[0].at


def _when(stored: StoredItem) -> datetime:
    item = stored.indexed.item
    return appearance_time(item.published, item.fetched_at)


def build(copies: Sequence[StoredItem], denials: Sequence[OfficialEvidence]) -> StoryTimeline:
    """Lay out the copies (by appearance time) and the denials on one time axis."""
    ordered = sorted(((_when(s), s) for s in copies), key=lambda pair: (pair[0], pair[1].id))
    ordered = ordered[:MAX_COPIES]
    found = sorted(((_when(e.stored), e) for e in denials), key=lambda pair: pair[0])
    moments = [at for at, _ in ordered] + [at for at, _ in found]
    if not moments:
        return StoryTimeline(copies=[], rows=[], denials=[], start=None, end=None)
    start, end = min(moments), max(moments)
    span = max((end - start).total_seconds(), 60.0)
    plot = WIDTH - LEFT - RIGHT

    def x_of(moment: datetime) -> float:
        return round(LEFT + plot * (moment - start).total_seconds() / span, 1)

    placed = [Copy(stored=s, at=at, x=x_of(at)) for at, s in ordered]
    rows: dict[str, SourceRow] = {}
    for copy in placed:
        rows.setdefault(copy.stored.indexed.item.source_id, SourceRow(
            source_id=copy.stored.indexed.item.source_id)).copies.append(copy)
    ordered_rows = sorted(rows.values(), key=lambda r: (r.first, r.source_id))
    for number, row in enumerate(ordered_rows):
        row.y = TOP + ROW_HEIGHT * number + ROW_HEIGHT / 2
    rows_bottom = TOP + ROW_HEIGHT * len(ordered_rows)
    base = rows_bottom + COUNT_HEIGHT
    total = len(placed) or 1
    points = [f"{LEFT},{base}"]
    for number, copy in enumerate(placed, start=1):
        points.append(f"{copy.x},{round(base - COUNT_HEIGHT * (number - 1) / total, 1)}")
        points.append(f"{copy.x},{round(base - COUNT_HEIGHT * number / total, 1)}")
    points.append(f"{LEFT + plot},{points[-1].split(',')[1]}")
    ticks = [(x_of(start + (end - start) * k / 4), start + (end - start) * k / 4)
             for k in range(5)] if end > start else [(float(LEFT), start)]
    return StoryTimeline(
        copies=placed, rows=ordered_rows,
        denials=[Denial(evidence=e, at=at, x=x_of(at)) for at, e in found],
        start=start, end=end, height=int(base + 28), count_path=" ".join(points), ticks=ticks,
    )

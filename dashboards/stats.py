"""Numbers behind the charts and the CLI: flagged items per day by label, top sources."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from core.labels import MISLEADING_LABELS
from index.query import SearchQuery
from index.store import ItemStore

#: The longest timeline drawn, in days (three years): a stray date from 1970 would otherwise
#: make twenty thousand empty bars. The newest days are kept.
MAX_TIMELINE_DAYS = 3 * 366


def day_span(first: date, last: date) -> list[str]:
    """Every calendar day from ``first`` to ``last``, both included, as ``YYYY-MM-DD``."""
    first = max(first, last - timedelta(days=MAX_TIMELINE_DAYS - 1))
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def flagged_timeline(store: ItemStore, query: SearchQuery) -> dict[str, object]:
    """``{"days": [...], "series": {label: [count per day]}}`` for flagged items.

    Every day of the range is there, days without items as zeros: the query's own range
    where it has one, else from the first to the last day with data (Vietnam days)."""
    base = replace(query, flagged=True, offset=0, size=0)
    per_label = {
        label: store.aggregate(replace(base, labels=(label,)), by="day")
        for label in (query.labels or MISLEADING_LABELS)
    }
    seen = sorted({day for counts in per_label.values() for day in counts})
    # The days picked, as the page's zone wrote them (the bounds carry that zone).
    first = query.date_from.date() if query.date_from else None
    last = query.date_to.date() if query.date_to else None
    if seen:
        first = first or date.fromisoformat(seen[0])
        last = last or max(date.fromisoformat(seen[-1]), first)
    if first is None or last is None or last < first:
        return {"days": [], "series": {}}
    days = day_span(first, last)
    series = {
        label: [counts.get(day, 0) for day in days]
        for label, counts in per_label.items()
        if counts
    }
    return {"days": days, "series": series}


def top_sources(store: ItemStore, query: SearchQuery, size: int = 10) -> dict[str, int]:
    return store.aggregate(replace(query, flagged=True, offset=0, size=0), by="source", size=size)

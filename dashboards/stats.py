"""Numbers behind the charts and the CLI: flagged items per day by label, top sources."""

from __future__ import annotations

from dataclasses import replace

from core.labels import MISLEADING_LABELS
from index.query import SearchQuery
from index.store import ItemStore


def flagged_timeline(store: ItemStore, query: SearchQuery) -> dict[str, object]:
    """``{"days": [...], "series": {label: [count per day]}}`` for flagged items."""
    base = replace(query, flagged=True, offset=0, size=0)
    per_label = {
        label: store.aggregate(replace(base, labels=(label,)), by="day")
        for label in (query.labels or MISLEADING_LABELS)
    }
    days = sorted({day for counts in per_label.values() for day in counts})
    series = {
        label: [counts.get(day, 0) for day in days]
        for label, counts in per_label.items()
        if counts
    }
    return {"days": days, "series": series}


def top_sources(store: ItemStore, query: SearchQuery, size: int = 10) -> dict[str, int]:
    return store.aggregate(replace(query, flagged=True, offset=0, size=0), by="source", size=size)

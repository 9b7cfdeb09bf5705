"""What a report says, read from the store: counts by narrative, source and province, the trend,
and the items reviewers confirmed as misleading, with their verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from core.clock import now_utc
from index.query import SearchQuery
from index.store import ItemStore
from reports.period import Period

# Sources and provinces a report can list; the store counts them all, the report keeps these.
MAX_BREAKDOWN_KEYS = 1_000
# Confirmed items are listed one per row; a year with more than this shows the most recent.
MAX_CONFIRMED = 500


@dataclass(frozen=True)
class TrendPoint:
    label: str
    items: int
    flagged: int


@dataclass(frozen=True)
class ConfirmedItem:
    """An item a reviewer confirmed as misleading: the claim, where and when, and the verdict."""

    title: str
    url: str
    source_id: str
    date: datetime | None
    label: str
    verdict_label: str | None
    note: str
    verdict_at: datetime


@dataclass
class ReportData:
    period: Period
    total: int
    flagged: int
    by_label: dict[str, int]
    by_source: dict[str, int]
    by_province: dict[str, int]
    trend: list[TrendPoint]
    confirmed: list[ConfirmedItem]
    confirmed_total: int
    generated_at: datetime = field(default_factory=now_utc)


def _within(period: Period, **filters: Any) -> SearchQuery:
    # The store's date bound is inclusive; the period's end is not.
    return SearchQuery(
        date_from=period.start, date_to=period.end - timedelta(microseconds=1), **filters
    )


def gather(store: ItemStore, period: Period) -> ReportData:
    """Everything the report shows for ``period``; the store does the counting where it can."""
    store.refresh()
    everything = _within(period)
    total = store.count(everything)
    trend = [
        TrendPoint(
            bucket.label,
            store.count(SearchQuery(date_from=bucket.start,
                                    date_to=bucket.end - timedelta(microseconds=1))),
            store.count(SearchQuery(date_from=bucket.start,
                                    date_to=bucket.end - timedelta(microseconds=1), flagged=True)),
        )
        for bucket in period.buckets()
    ]
    confirmed, confirmed_total = _confirmed(store, period)
    return ReportData(
        period=period,
        total=total,
        flagged=store.count(_within(period, flagged=True)),
        by_label=dict(sorted(store.count_by_label(everything).items(), key=lambda kv: -kv[1])),
        by_source=store.aggregate(everything, by="source", size=MAX_BREAKDOWN_KEYS),
        by_province=store.aggregate(everything, by="province", size=MAX_BREAKDOWN_KEYS),
        trend=trend,
        confirmed=confirmed,
        confirmed_total=confirmed_total,
    )


def _confirmed(store: ItemStore, period: Period) -> tuple[list[ConfirmedItem], int]:
    query = _within(period, review_status="confirmed", sort="recency")
    rows: list[ConfirmedItem] = []
    for stored in islice(store.scan(query), MAX_CONFIRMED):
        item, verdict = stored.indexed, stored.verdict
        if verdict is None:
            continue
        rows.append(ConfirmedItem(
            title=item.item.title, url=item.item.url, source_id=item.item.source_id,
            date=item.item.published or item.item.fetched_at,
            label=item.classification.label, verdict_label=verdict.label,
            note=verdict.note, verdict_at=verdict.at,
        ))
    return rows, store.count(query)

"""Surge detection over the store: count flagged items per key, test each key, and turn what
surges into alert records, one per story.

One rumour surges under several keys at once (its known claim, its province, its narrative).
Keys whose window items overlap are merged into one alert, the most specific key first, and a
key that surges again within ``EPISODE_GAP`` of an alert's last detection grows that alert
instead of opening another: one rumour, one alert.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from alerts.signals import FlaggedItem, from_stored
from alerts.surge import DEFAULT_METHOD, SurgeMethod, surging, timelines_of
from core.alerts import DIMENSIONS, Alert, SurgeFigures, split_key
from core.clock import as_utc
from index.alert_store import AlertStore
from index.query import SearchQuery
from index.store import ItemStore

#: An alert keeps growing while one of its keys surges again within this time of its last
#: detection; after a quiet day the same key opens a new alert.
EPISODE_GAP: Final[timedelta] = timedelta(hours=24)
#: Two surging keys are one story when this share of the smaller one's window items is shared.
MERGE_OVERLAP: Final[float] = 0.5
#: An alert names at most this many items (the first ones, which show how it started).
MAX_ALERT_ITEMS: Final[int] = 500
#: Items whose printed date is this far after the detection time are still read (their
#: appearance time is the fetch time), so a wrong date does not hide an item.
_FUTURE_DATES: Final[timedelta] = timedelta(days=2)


@dataclass
class Detection:
    """What one detection found: new alerts, alerts that grew, and the flagged items it read."""

    at: datetime
    new: list[Alert] = field(default_factory=list)
    grown: list[Alert] = field(default_factory=list)
    surges: list[SurgeFigures] = field(default_factory=list)
    items: list[FlaggedItem] = field(default_factory=list)


def gather(
    store: ItemStore, at: datetime, method: SurgeMethod = DEFAULT_METHOD
) -> list[FlaggedItem]:
    """Flagged items that appeared in the baseline and the window ending at ``at``."""
    at = as_utc(at)
    since = at - method.lookback
    query = SearchQuery(flagged=True, date_from=since, date_to=at + _FUTURE_DATES, sort="recency")
    items = []
    for stored in store.scan(query):
        item = from_stored(stored)
        if item is not None and since < item.time <= at:
            items.append(item)
    return items


def _specificity(key: str) -> int:
    return DIMENSIONS.index(split_key(key)[0])


@dataclass
class _Group:
    figures: list[SurgeFigures]
    ids: set[str]


def group_surges(
    surges: Sequence[SurgeFigures], members: dict[str, set[str]]
) -> list[list[SurgeFigures]]:
    """Surging keys grouped by shared window items, most specific key first in each group.

    A key joins the group it overlaps most (at least ``MERGE_OVERLAP`` of the smaller set),
    so a narrative surging because of one rumour joins that rumour, and two rumours of one
    narrative stay two alerts."""
    groups: list[_Group] = []
    for figures in sorted(surges, key=lambda f: (_specificity(f.key), f.p_value, f.key)):
        ids = members.get(figures.key, set())
        best, best_overlap = None, 0.0
        for group in groups:
            smaller = min(len(ids), len(group.ids)) or 1
            overlap = len(ids & group.ids) / smaller
            if overlap >= MERGE_OVERLAP and overlap > best_overlap:
                best, best_overlap = group, overlap
        if best is None:
            groups.append(_Group([figures], set(ids)))
        else:
            best.figures.append(figures)
    return [group.figures for group in groups]


def alert_id(headline_key: str, at: datetime) -> str:
    """Deterministic: the same detection run twice makes the same alert."""
    digest = hashlib.sha256(f"{headline_key}|{as_utc(at).isoformat()}".encode())
    return digest.hexdigest()[:24]


def _ordered_keys(keys: Iterable[str]) -> list[str]:
    unique = list(dict.fromkeys(keys))
    return sorted(unique, key=lambda k: (_specificity(k), unique.index(k)))


def _describe(alert: Alert, items: dict[str, FlaggedItem]) -> Alert:
    """Label, claim, provinces and start of an alert, from its keys and items."""
    label = claim = None
    provinces: list[str] = []
    for key in alert.keys:
        dimension, value = split_key(key)
        if dimension == "label" and label is None:
            label = value
        elif dimension == "claim" and claim is None:
            claim = value
        elif dimension == "province" and value not in provinces:
            provinces.append(value)
    known = [items[i] for i in alert.item_ids if i in items]
    if label is None and known:
        label = Counter(item.label for item in known).most_common(1)[0][0]
    started = min([alert.started, *(item.time for item in known)])
    return alert.model_copy(update={
        "label": label, "claim_id": claim, "provinces": provinces, "started": started,
    })


def _matching(alert_keys: set[str], ids: set[str], candidates: Sequence[Alert]) -> Alert | None:
    """The recent alert this group continues: one sharing a key, else one sharing items."""
    for candidate in candidates:
        if alert_keys & set(candidate.keys):
            return candidate
    for candidate in candidates:
        shared = len(ids & set(candidate.item_ids))
        if shared and shared / (min(len(ids), len(candidate.item_ids)) or 1) >= MERGE_OVERLAP:
            return candidate
    return None


def detect(
    items_store: ItemStore, alert_store: AlertStore, at: datetime,
    method: SurgeMethod = DEFAULT_METHOD,
) -> Detection:
    """Test every key at ``at``, and create or grow the alerts of what surges."""
    at = as_utc(at)
    items = gather(items_store, at, method)
    result = Detection(at=at, items=items)
    if not items:
        return result
    by_id = {item.id: item for item in items}
    timelines = timelines_of((key, item.time) for item in items for key in item.surge_keys())
    history_start = min(item.time for item in items)
    if history_start <= at - method.lookback + timedelta(days=1):
        history_start = at - method.lookback  # the data covers the whole baseline
    result.surges = surging(timelines, at, method, history_start)
    if not result.surges:
        return result
    window_start = at - method.window
    members: dict[str, set[str]] = {}
    for item in items:
        if item.time > window_start:
            for key in item.surge_keys():
                members.setdefault(key, set()).add(item.id)
    recent = alert_store.alerts(detected_since=at - EPISODE_GAP)
    changed: dict[str, Alert] = {}
    for group in group_surges(result.surges, members):
        keys = _ordered_keys(f.key for f in group)
        ids = sorted(members.get(keys[0], set()), key=lambda i: (by_id[i].time, i))
        pool = [changed.get(a.id, a) for a in recent] + [
            a for a in changed.values() if a.id not in {r.id for r in recent}
        ]
        existing = _matching(set(keys), set(ids), pool)
        peak = max(f.observed for f in group)
        if existing is None:
            alert = Alert(
                id=alert_id(keys[0], at), keys=keys, first_detected=at, last_detected=at,
                started=by_id[ids[0]].time if ids else at, item_ids=ids[:MAX_ALERT_ITEMS],
                figures=group, peak_observed=peak,
            )
        else:
            known = set(existing.item_ids)
            more = [i for i in ids if i not in known]
            alert = existing.model_copy(update={
                "keys": _ordered_keys([*existing.keys, *keys]),
                "last_detected": max(existing.last_detected, at),
                "item_ids": [*existing.item_ids, *more][:MAX_ALERT_ITEMS],
                "figures": group, "peak_observed": max(existing.peak_observed, peak),
            })
        changed[alert.id] = _describe(alert, by_id)
    existing_ids = {a.id for a in recent}
    for alert in changed.values():
        alert_store.save_detection(alert)
        (result.grown if alert.id in existing_ids else result.new).append(alert)
    return result

"""What surge detection counts: flagged items reduced to their time and the keys they count under.

An item counts under its narrative label, its best-matching known false claim (when it has
one) and every province it names. Its time is when it appeared: the date it was published,
unless that is later than when we fetched it (a wrong date in the page), and the fetch time
for items that print no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from core.alerts import surge_key
from core.clock import as_utc
from index.query import StoredItem

#: The classifier writes a strong known-claim match into the item's reasons as
#: ``(kc-0004, rất giống, 0.62)`` (models/predict.py); a weak one says ``gần giống``.
_STRONG_MATCH = re.compile(r"\((?P<claim>[\w.-]+), rất giống, (?P<similarity>[0-9.]+)\)")
#: Verdicts that take an item out of the counts: a reviewer said it is not misleading, or
#: that it is a duplicate already counted through its first copy.
EXCLUDING_VERDICTS: Final[frozenset[str]] = frozenset({"not_misleading", "duplicate"})


@dataclass(frozen=True)
class FlaggedItem:
    """A flagged item as surge detection and notification rules see it."""

    id: str
    time: datetime
    label: str
    score: float
    source_id: str = ""
    claim_id: str | None = None
    provinces: tuple[str, ...] = ()
    strong_claims: tuple[str, ...] = ()
    title: str = ""
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def surge_keys(self) -> list[str]:
        """Every key this item counts under."""
        keys = [surge_key("label", self.label)]
        if self.claim_id:
            keys.append(surge_key("claim", self.claim_id))
        keys.extend(surge_key("province", p) for p in self.provinces)
        return keys


def appearance_time(published: datetime | None, fetched_at: datetime) -> datetime:
    """When an item appeared: its printed date, unless it is missing or after the fetch."""
    fetched = as_utc(fetched_at)
    if published is None:
        return fetched
    published = as_utc(published)
    return published if published <= fetched else fetched


def strong_claims(reasons: Iterable[str]) -> tuple[str, ...]:
    """Ids of known false claims the classifier found the item repeating nearly word for word."""
    found = []
    for reason in reasons:
        match = _STRONG_MATCH.search(reason)
        if match:
            found.append(match.group("claim"))
    return tuple(dict.fromkeys(found))


def from_stored(stored: StoredItem) -> FlaggedItem | None:
    """The item as detection counts it, or ``None`` when it does not count (not flagged, or a
    reviewer said it is not misleading or a duplicate)."""
    indexed = stored.indexed
    classification = indexed.classification
    if not classification.flagged:
        return None
    if stored.verdict is not None and stored.verdict.verdict in EXCLUDING_VERDICTS:
        return None
    item = indexed.item
    claims = indexed.enrichment.known_claims
    return FlaggedItem(
        id=item.id,
        time=appearance_time(item.published, item.fetched_at),
        label=(stored.verdict.label if stored.verdict and stored.verdict.label
               else classification.label),
        score=classification.score,
        source_id=item.source_id,
        claim_id=claims[0] if claims else None,
        provinces=tuple(dict.fromkeys(indexed.enrichment.provinces)),
        strong_claims=strong_claims(classification.reasons),
        title=item.title,
        url=item.url,
    )

"""The values that go in and out of a store: search queries, hits, results and write reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from core.records import IndexedItem, ReviewVerdict

#: ``oldest`` (first published first) is how copies of one story are listed.
SortOrder = Literal["relevance", "score", "recency", "oldest"]
#: What ``ItemStore.aggregate`` can count by; ``day`` is the calendar day on the store's zone.
#: ``verdict`` counts review statuses, ``unreviewed`` included.
AggregateBy = Literal["label", "source", "day", "province", "entity", "source_kind", "verdict"]
AGGREGATE_BY: tuple[str, ...] = get_args(AggregateBy)
ReviewStatus = Literal["unreviewed", "confirmed", "not_misleading", "needs_expert", "duplicate"]

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Every filter is optional; an empty query matches every item.

    ``text`` matches with diacritics folded ("thuy dien" finds "thủy điện") unless ``exact``
    is set, when the words must match as written, diacritics included; tone-mark placement
    never matters ("thuỷ" is "thủy"). Words of several syllables match as words ("dien gio"
    is wind power, not "điện ... giờ"); see ``index.search_plan``. ``story`` keeps the items
    of one story: the first copy (that id) and every item marked a duplicate of it.
    """

    text: str = ""
    exact: bool = False
    labels: tuple[str, ...] = ()
    flagged: bool | None = None
    sources: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    review_status: ReviewStatus | None = None
    story: str | None = None
    sort: SortOrder = "relevance"
    offset: int = 0
    size: int = 20

    def __post_init__(self) -> None:
        if self.offset < 0:
            raise ValueError("offset must be >= 0")
        if not 0 <= self.size <= MAX_PAGE_SIZE:
            raise ValueError(f"size must be between 0 and {MAX_PAGE_SIZE}")


@dataclass(frozen=True)
class StoredItem:
    """An item as read back from a store, with the reviewer's latest verdict if any."""

    indexed: IndexedItem
    verdict: ReviewVerdict | None = None

    @property
    def id(self) -> str:
        return self.indexed.item.id


@dataclass(frozen=True)
class SearchHit:
    stored: StoredItem
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    #: Counts over every matching item, by what ``search(..., facets=...)`` asked for.
    facets: dict[AggregateBy, dict[str, int]] = field(default_factory=dict)


@dataclass
class UpsertReport:
    """What a bulk write did: ids written, and ids that failed with the reason.

    An item the store can never take (a mapping error) is also put in the store's dead-letter
    list and named in ``dead_lettered``; the run is then ``partly_failed``.
    """

    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    dead_lettered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def partly_failed(self) -> bool:
        return bool(self.failed) and bool(self.written)

    def merge(self, other: UpsertReport) -> None:
        self.written.extend(other.written)
        self.failed.update(other.failed)
        self.dead_lettered.extend(other.dead_lettered)


@dataclass(frozen=True)
class AuditEntry:
    """One verdict as the audit log shows it: the verdict (who, when, what) and the one before."""

    verdict: ReviewVerdict
    before: ReviewVerdict | None = None


@dataclass(frozen=True)
class DeadLetter:
    """An item a store refused for good, kept with the reason so nobody loses it silently."""

    item_id: str
    reason: str
    at: datetime
    item: IndexedItem | None = None


@dataclass(frozen=True)
class MigrationReport:
    """What ``ItemStore.migrate`` did: from which index or table to which, how many items."""

    source: str
    target: str
    copied: int
    caught_up: int = 0
    #: Segments of the new index after the copy, and after the merge that ends it
    #: (Elasticsearch only; ``index.es_segments``).
    segments: tuple[int, int] | None = None


@dataclass(frozen=True)
class CompactReport:
    """What ``ItemStore.compact`` did: which index or table, and (Elasticsearch) its segments
    before and after."""

    target: str
    segments_before: int | None = None
    segments_after: int | None = None

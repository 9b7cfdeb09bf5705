"""The values that go in and out of a store: search queries, hits, results and write reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.records import IndexedItem, ReviewVerdict

SortOrder = Literal["relevance", "score", "recency"]
ReviewStatus = Literal["unreviewed", "confirmed", "not_misleading", "needs_expert", "duplicate"]

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Every filter is optional; an empty query matches every item.

    ``text`` matches with diacritics folded ("thuy dien" finds "thủy điện") unless ``exact``
    is set, when the words must match as written, diacritics included.
    """

    text: str = ""
    exact: bool = False
    labels: tuple[str, ...] = ()
    flagged: bool | None = None
    sources: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    review_status: ReviewStatus | None = None
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


@dataclass
class UpsertReport:
    """What a bulk write did: ids written, and ids that failed with the reason."""

    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def merge(self, other: UpsertReport) -> None:
        self.written.extend(other.written)
        self.failed.update(other.failed)

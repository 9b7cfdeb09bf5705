"""The one interface every store implements; the contract tests in tests/index hold it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from core.records import IndexedItem, ReviewVerdict
from index.query import (
    AggregateBy,
    AuditEntry,
    CompactReport,
    DeadLetter,
    MigrationReport,
    SearchQuery,
    SearchResult,
    StoredItem,
    UpsertReport,
)


class StoreUnavailable(RuntimeError):
    """The store cannot be reached now (connection refused, timeout); the write may be retried."""


@runtime_checkable
class ItemStore(Protocol):
    """Store, search and review items. Implementations: ``SqliteStore``, ``ElasticStore``."""

    def ensure_schema(self) -> None:
        """Create tables or indices if missing. Safe to call any number of times."""

    def upsert(self, items: Iterable[IndexedItem]) -> UpsertReport:
        """Write items by their deterministic id. Never touches an item's review verdict."""

    def get(self, item_id: str) -> StoredItem | None:
        """The item with that id and its latest verdict, or ``None``."""

    def search(
        self, query: SearchQuery, *, facets: Sequence[AggregateBy] = (), facet_size: int = 20
    ) -> SearchResult:
        """Full-text search with filters, sorting and paging; with ``facets``, the result also
        counts every matching item as ``self.facets`` would (one request where the store can)."""

    def count(self, query: SearchQuery | None = None) -> int:
        """How many items match (all items without a query)."""

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        """Matching items per model label."""

    def record_verdict(self, verdict: ReviewVerdict) -> None:
        """Set the item's current verdict and append it to the audit history. Raises
        ``KeyError`` for an unknown item and ``index.verdict_rules.InvalidVerdict`` for a
        verdict the rules refuse (confirmed without a misleading label, a duplicate of
        nothing)."""

    def undo_verdict(self, item_id: str, at: datetime, reviewer: str) -> ReviewVerdict:
        """Take back the verdict recorded at ``at``: the item returns to the verdict before it
        (or to none), and the audit log gains an entry by ``reviewer`` whose ``undoes`` is
        ``at``; the undone verdict stays in the log. Raises ``KeyError`` for an unknown item and
        ``InvalidVerdict`` when that verdict is no longer the item's (someone decided since)."""

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        """Every verdict ever recorded on the item, oldest first."""

    def aggregate(
        self, query: SearchQuery | None = None, *, by: AggregateBy, size: int = 20
    ) -> dict[str, int]:
        """Matching items per label, source, province, entity (biggest first, ``size`` keys)
        or per calendar day on the store's zone, the configured one (``YYYY-MM-DD``, oldest
        first, every day with items)."""

    def facets(
        self, query: SearchQuery | None = None, *, by: Sequence[AggregateBy], size: int = 20
    ) -> dict[AggregateBy, dict[str, int]]:
        """``aggregate`` for each of ``by`` over one query, in one pass where the store can
        (a page of facets is one request to Elasticsearch, not one per facet)."""

    def scan(self, query: SearchQuery | None = None, *, batch: int = 500) -> Iterator[StoredItem]:
        """Every matching item in the query's order, however many (``offset``/``size`` ignored):
        deep paging for full exports, consistent while it runs where the store allows."""

    def copies_of(self, item_id: str, *, known: StoredItem | None = None) -> list[StoredItem]:
        """Other copies of the same story: items sharing the first copy's id, this one excluded.
        ``known``: the item itself, when the caller has read it (saves reading it again)."""

    def audit_log(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        offset: int = 0, size: int = 50, verdict: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AuditEntry]:
        """Verdicts with the verdict each replaced, newest first. Append-only: no edit path.
        Filters: the item, the reviewer, the kind of verdict, and when it was recorded
        (``since`` inclusive, ``until`` exclusive)."""

    def audit_count(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        verdict: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> int:
        """How many audit entries ``audit_log`` would page through with the same filters."""

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Items ``upsert`` refused for good, newest first."""

    def apply_retention(self, cutoff: datetime) -> int:
        """Delete items dated before ``cutoff``; return how many. The audit log is kept."""

    def migrate(self, progress: Callable[[int, int], object] | None = None) -> MigrationReport:
        """Move every item to a fresh copy of the current schema and switch over atomically;
        verdicts recorded while it runs survive. ``progress(copied, total)`` is called now and
        then during the copy (a million items take tens of minutes)."""

    def compact(self) -> CompactReport:
        """Merge the search structures after a large load (a backfill, a flushed spool of many
        nights), so searches do not pay for the many small pieces it left. Items, verdicts and
        results do not change; searches keep working while it runs (on SQLite, writes such
        as a verdict wait for it, up to the connection's busy timeout)."""

    def refresh(self) -> None:
        """Make recent writes visible to search (a no-op where writes are visible at once)."""

    def close(self) -> None:
        """Release connections."""

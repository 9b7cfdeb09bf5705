"""The one interface every store implements; the contract tests in tests/index hold it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from core.records import IndexedItem, ReviewVerdict
from index.query import SearchQuery, SearchResult, StoredItem, UpsertReport


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

    def search(self, query: SearchQuery) -> SearchResult:
        """Full-text search with filters, sorting and paging."""

    def count(self, query: SearchQuery | None = None) -> int:
        """How many items match (all items without a query)."""

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        """Matching items per model label."""

    def record_verdict(self, verdict: ReviewVerdict) -> None:
        """Set the item's current verdict and append it to the audit history."""

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        """Every verdict ever recorded on the item, oldest first."""

    def refresh(self) -> None:
        """Make recent writes visible to search (a no-op where writes are visible at once)."""

    def close(self) -> None:
        """Release connections."""

"""The embedded default store: SQLite with an FTS5 full-text index, in the data directory."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from core.clock import as_utc, now_utc
from core.records import IndexedItem, ReviewVerdict
from index.documents import from_document, refusal_reason, to_document
from index.highlight import query_terms, search_hit
from index.query import (
    AggregateBy,
    AuditEntry,
    DeadLetter,
    MigrationReport,
    SearchQuery,
    SearchResult,
    StoredItem,
    UpsertReport,
)
from index.verdict_rules import check_verdict

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    label TEXT NOT NULL,
    flagged INTEGER NOT NULL,
    score REAL NOT NULL,
    source_id TEXT NOT NULL,
    date TEXT NOT NULL,
    review TEXT,
    review_status TEXT
);
CREATE INDEX IF NOT EXISTS items_label ON items(label);
CREATE INDEX IF NOT EXISTS items_source ON items(source_id);
CREATE INDEX IF NOT EXISTS items_date ON items(date);
CREATE INDEX IF NOT EXISTS items_flagged_score ON items(flagged, score);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
    id UNINDEXED, exact_text, folded_text, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS verdicts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL,
    verdict TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdicts_item ON verdicts(item_id);
CREATE TRIGGER IF NOT EXISTS verdicts_append_only_update BEFORE UPDATE ON verdicts
BEGIN SELECT RAISE(ABORT, 'the verdict history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS verdicts_append_only_delete BEFORE DELETE ON verdicts
BEGIN SELECT RAISE(ABORT, 'the verdict history is append-only'); END;
CREATE INDEX IF NOT EXISTS items_duplicate_of ON items(json_extract(doc, '$.duplicate_of'));
CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    item TEXT
);
"""

# Days are counted in Vietnam (UTC+7, no daylight saving) in both stores.
_DAY = "substr(datetime(items.date, '+7 hours'), 1, 10)"
_GROUPS = {
    "label": ("items.label", "items"),
    "source": ("items.source_id", "items"),
    "day": (_DAY, "items"),
    "province": ("value", "items, json_each(json_extract(items.doc, '$.provinces'))"),
    "entity": ("value", "items, json_each(json_extract(items.doc, '$.entities'))"),
}

_SORTS = {
    "relevance": "rank, items.date DESC",
    "score": "items.score DESC, items.date DESC",
    "recency": "items.date DESC, items.score DESC",
}


@contextmanager
def _setup_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<file>.lock`` beside the database while it is set up: SQLite's
    own locking does not cover a journal-mode switch or a check-then-alter of the schema, and a
    kernel lock is released even when its holder is killed."""
    import fcntl

    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sortable_time(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _audit_filter(
    item_id: str | None, reviewer: str | None, verdict: str | None,
    since: datetime | None, until: datetime | None,
) -> tuple[str, list[Any]]:
    clauses, params = ["1"], []
    for value, clause in (
        (item_id, "item_id = ?"),
        (reviewer, "json_extract(verdict, '$.reviewer') = ?"),
        (verdict, "json_extract(verdict, '$.verdict') = ?"),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    # Times are ISO 8601 with an offset or Z; julianday() compares the instants.
    if since is not None:
        clauses.append("julianday(json_extract(verdict, '$.at')) >= julianday(?)")
        params.append(as_utc(since).isoformat())
    if until is not None:
        clauses.append("julianday(json_extract(verdict, '$.at')) < julianday(?)")
        params.append(as_utc(until).isoformat())
    return " AND ".join(clauses), params


class SqliteStore:
    """``ItemStore`` on one SQLite file. Safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        # Switching a fresh file to WAL needs it to itself; openers take turns (see _setup_lock).
        with _setup_lock(path):
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def ensure_schema(self) -> None:
        """Create or upgrade the tables (idempotent); concurrent openers, threads or processes,
        take turns."""
        with self._lock, _setup_lock(self.path):
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(verdicts)")}
            if "before" not in columns:  # files made by schema version 1
                self._db.execute("ALTER TABLE verdicts ADD COLUMN before TEXT")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def upsert(self, items: Iterable[IndexedItem]) -> UpsertReport:
        report = UpsertReport()
        with self._transaction() as db:
            for indexed in items:
                doc = to_document(indexed)
                reason = refusal_reason(doc)
                if reason is None:
                    try:
                        self._write_item(db, doc)
                    except sqlite3.DataError as exc:
                        reason = str(exc)
                if reason is None:
                    report.written.append(doc["id"])
                    continue
                report.failed[doc["id"]] = reason
                report.dead_lettered.append(doc["id"])
                db.execute(
                    "INSERT INTO dead_letters (item_id, reason, at, item) VALUES (?, ?, ?, ?)",
                    (doc["id"], reason, now_utc().isoformat(), indexed.model_dump_json()),
                )
        return report

    def _write_item(self, db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        db.execute(
            """INSERT INTO items (id, doc, label, flagged, score, source_id, date)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET doc = excluded.doc,
                   label = excluded.label, flagged = excluded.flagged,
                   score = excluded.score, source_id = excluded.source_id,
                   date = excluded.date""",
            (
                doc["id"], json.dumps(doc, ensure_ascii=False), doc["label"],
                int(doc["flagged"]), doc["score"], doc["source_id"],
                _sortable_time(doc["date"]),
            ),
        )
        self._write_fts(db, doc)

    @staticmethod
    def _write_fts(db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        db.execute("DELETE FROM items_fts WHERE id = ?", (doc["id"],))
        exact = " ".join((doc["title"], doc["lead"], doc["text"], doc.get("image_text") or ""))
        folded = " ".join((doc["title_folded"], doc["text_folded"]))
        db.execute(
            "INSERT INTO items_fts (id, exact_text, folded_text) VALUES (?, ?, ?)",
            (doc["id"], exact, folded),
        )

    def get(self, item_id: str) -> StoredItem | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc, review FROM items WHERE id = ?", (item_id,)
            ).fetchone()
        return None if row is None else self._stored(row)

    def _stored(self, row: sqlite3.Row) -> StoredItem:
        doc = json.loads(row["doc"])
        doc["review"] = json.loads(row["review"]) if row["review"] else None
        indexed, verdict = from_document(doc)
        return StoredItem(indexed=indexed, verdict=verdict)

    def _where(self, query: SearchQuery) -> tuple[str, list[Any], bool]:
        clauses: list[str] = []
        params: list[Any] = []
        terms = query_terms(query.text, exact=query.exact)
        if terms:
            column = "exact_text" if query.exact else "folded_text"
            match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
            clauses.append("items_fts MATCH ?")
            params.append(f"{column} : ({match})")
        if query.labels:
            clauses.append(f"items.label IN ({','.join('?' * len(query.labels))})")
            params.extend(query.labels)
        if query.flagged is not None:
            clauses.append("items.flagged = ?")
            params.append(int(query.flagged))
        if query.sources:
            clauses.append(f"items.source_id IN ({','.join('?' * len(query.sources))})")
            params.extend(query.sources)
        if query.date_from is not None:
            clauses.append("items.date >= ?")
            params.append(_sortable_time(query.date_from))
        if query.date_to is not None:
            clauses.append("items.date <= ?")
            params.append(_sortable_time(query.date_to))
        if query.review_status == "unreviewed":
            clauses.append("items.review_status IS NULL")
        elif query.review_status is not None:
            clauses.append("items.review_status = ?")
            params.append(query.review_status)
        where = " AND ".join(clauses) if clauses else "1"
        return where, params, bool(terms)

    def _from(self, with_text: bool) -> str:
        if with_text:
            return "items JOIN items_fts ON items_fts.id = items.id"
        return "items"

    def search(self, query: SearchQuery) -> SearchResult:
        where, params, with_text = self._where(query)
        source = self._from(with_text)
        rank = "bm25(items_fts)" if with_text else "0"
        order = _SORTS[query.sort]
        with self._lock:
            total = self._db.execute(
                f"SELECT count(*) FROM {source} WHERE {where}", params
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT items.doc, items.review, {rank} AS rank FROM {source} "
                f"WHERE {where} ORDER BY {order}, items.id LIMIT ? OFFSET ?",
                [*params, query.size, query.offset],
            ).fetchall()
        hits = [search_hit(self._stored(row), query) for row in rows]
        return SearchResult(total=total, hits=hits)

    def count(self, query: SearchQuery | None = None) -> int:
        where, params, with_text = self._where(query or SearchQuery())
        with self._lock:
            row = self._db.execute(
                f"SELECT count(*) FROM {self._from(with_text)} WHERE {where}", params
            ).fetchone()
        return int(row[0])

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        where, params, with_text = self._where(query or SearchQuery())
        with self._lock:
            rows = self._db.execute(
                f"SELECT items.label, count(*) FROM {self._from(with_text)} WHERE {where} "
                "GROUP BY items.label",
                params,
            ).fetchall()
        return {label: int(n) for label, n in rows}

    def record_verdict(self, verdict: ReviewVerdict) -> None:
        payload = verdict.model_dump_json()
        with self._transaction() as db:
            row = db.execute(
                "SELECT review FROM items WHERE id = ?", (verdict.item_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no item with id {verdict.item_id}")
            check_verdict(verdict, lambda other: db.execute(
                "SELECT 1 FROM items WHERE id = ?", (other,)
            ).fetchone() is not None)
            db.execute(
                "UPDATE items SET review = ?, review_status = ? WHERE id = ?",
                (payload, verdict.verdict, verdict.item_id),
            )
            db.execute(
                "INSERT INTO verdicts (item_id, verdict, before) VALUES (?, ?, ?)",
                (verdict.item_id, payload, row["review"]),
            )

    def verdict_history(self, item_id: str) -> list[ReviewVerdict]:
        with self._lock:
            rows = self._db.execute(
                "SELECT verdict FROM verdicts WHERE item_id = ? ORDER BY seq", (item_id,)
            ).fetchall()
        return [ReviewVerdict.model_validate_json(row[0]) for row in rows]

    def aggregate(
        self, query: SearchQuery | None = None, *, by: AggregateBy, size: int = 20
    ) -> dict[str, int]:
        key, tables = _GROUPS[by]
        where, params, with_text = self._where(query or SearchQuery())
        if with_text:
            tables = tables.replace("items", self._from(True), 1)
        order = "grp ASC" if by == "day" else "n DESC, grp ASC"
        limit = "" if by == "day" else f"LIMIT {int(size)}"
        with self._lock:
            rows = self._db.execute(
                f"SELECT {key} AS grp, count(*) AS n FROM {tables} WHERE {where} "
                f"GROUP BY grp ORDER BY {order} {limit}",
                params,
            ).fetchall()
        return {str(row["grp"]): int(row["n"]) for row in rows if row["grp"] is not None}

    def scan(self, query: SearchQuery | None = None, *, batch: int = 500) -> Iterator[StoredItem]:
        base = replace(query or SearchQuery(), size=min(batch, 500))
        offset = 0
        while True:
            page = self.search(replace(base, offset=offset))
            for hit in page.hits:
                yield hit.stored
            offset += len(page.hits)
            if not page.hits or offset >= page.total:
                return

    def copies_of(self, item_id: str) -> list[StoredItem]:
        found = self.get(item_id)
        if found is None:
            return []
        root = found.indexed.item.duplicate_of or item_id
        with self._lock:
            rows = self._db.execute(
                "SELECT doc, review FROM items WHERE (id = ? OR "
                "json_extract(doc, '$.duplicate_of') = ?) AND id != ? ORDER BY date, id",
                (root, root, item_id),
            ).fetchall()
        return [self._stored(row) for row in rows]

    def audit_log(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        offset: int = 0, size: int = 50, verdict: str | None = None,
        since: datetime | None = None, until: datetime | None = None,
    ) -> list[AuditEntry]:
        where, params = _audit_filter(item_id, reviewer, verdict, since, until)
        with self._lock:
            rows = self._db.execute(
                f"SELECT verdict, before FROM verdicts WHERE {where} "
                "ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, size, offset],
            ).fetchall()
        return [
            AuditEntry(
                verdict=ReviewVerdict.model_validate_json(row["verdict"]),
                before=ReviewVerdict.model_validate_json(row["before"]) if row["before"] else None,
            )
            for row in rows
        ]

    def audit_count(
        self, *, item_id: str | None = None, reviewer: str | None = None,
        verdict: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> int:
        where, params = _audit_filter(item_id, reviewer, verdict, since, until)
        with self._lock:
            row = self._db.execute(f"SELECT count(*) FROM verdicts WHERE {where}", params)
            return int(row.fetchone()[0])

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        with self._lock:
            rows = self._db.execute(
                "SELECT item_id, reason, at, item FROM dead_letters ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            DeadLetter(
                item_id=row["item_id"],
                reason=row["reason"],
                at=datetime.fromisoformat(row["at"]),
                item=IndexedItem.model_validate_json(row["item"]) if row["item"] else None,
            )
            for row in rows
        ]

    def apply_retention(self, cutoff: datetime) -> int:
        bound = _sortable_time(cutoff)
        with self._transaction() as db:
            db.execute(
                "DELETE FROM items_fts WHERE id IN (SELECT id FROM items WHERE date < ?)", (bound,)
            )
            return int(db.execute("DELETE FROM items WHERE date < ?", (bound,)).rowcount)

    def migrate(self) -> MigrationReport:
        """Rebuild the full-text table from the stored documents, in one transaction."""
        self.ensure_schema()
        with self._transaction() as db:
            db.execute("DELETE FROM items_fts")
            copied = 0
            for row in db.execute("SELECT doc FROM items").fetchall():
                self._write_fts(db, json.loads(row["doc"]))
                copied += 1
        return MigrationReport(
            source=f"{self.path}#items_fts", target=f"{self.path}#items_fts", copied=copied
        )

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def close(self) -> None:
        with self._lock:
            self._db.close()

"""The embedded default store: SQLite with an FTS5 full-text index, in the data directory."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.clock import VIETNAM_TZ, as_utc, now_utc
from core.labels import LABELS
from core.records import IndexedItem, ReviewVerdict
from index.copies import copies_of
from index.documents import forms_of, refusal_reason, stored_item, streams_of, to_document
from index.highlight import search_hit
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
from index.search_plan import QueryPlan, plan_query, word_candidates
from index.search_text import SEARCH_FIELDS, fold
from index.sqlite_file import SqliteFile, setup_lock
from index.sqlite_search import (
    SEARCH_TABLE,
    SEARCH_TABLE_SQL,
    SORTS,
    SqlQuery,
    sortable_time,
    sql_query,
)
from index.verdict_rules import check_verdict, undo_entry, undoable

SCHEMA_VERSION = 3
#: Items written per transaction by ``upsert``.
COMMIT_EVERY = 500

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
CREATE TABLE IF NOT EXISTS word_forms (
    form TEXT PRIMARY KEY,
    folded TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS word_forms_folded ON word_forms(folded);
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

# Days are calendar days on the store's zone (the configured one), in both stores.
_DAY = "local_day(items.date)"
_GROUPS = {
    "label": ("items.label", "items"),
    "source": ("items.source_id", "items"),
    "day": (_DAY, "items"),
    "province": ("value", "items, json_each(json_extract(items.doc, '$.provinces'))"),
    "entity": ("value", "items, json_each(json_extract(items.doc, '$.entities'))"),
    "source_kind": ("json_extract(items.doc, '$.source_kind')", "items"),
    "verdict": ("coalesce(items.review_status, 'unreviewed')", "items"),
}

_sortable_time = sortable_time


@lru_cache(maxsize=65536)
def _local_day(minute: str, zone: str) -> str:
    """The calendar day on ``zone`` of a UTC minute ("2026-05-09T20:00" -> "2026-05-10" in
    Vietnam). Items share minutes and days, so the answers are kept."""
    moment = datetime.fromisoformat(minute).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")


def _stored_part(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without its search streams: those live in the full-text table only."""
    return {key: value for key, value in doc.items() if key not in SEARCH_FIELDS}


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


class SqliteStore(SqliteFile):
    """``ItemStore`` on one SQLite file. Safe to share between threads of one process.
    ``zone``: where a day begins and ends when items are counted per day."""

    def __init__(self, path: Path, *, zone: ZoneInfo = VIETNAM_TZ) -> None:
        super().__init__(path)
        self.zone = zone
        self._db.create_function(
            "local_day", 1,
            lambda stamp: None if stamp is None else _local_day(stamp[:16], zone.key),
            deterministic=True,
        )

    def ensure_schema(self) -> None:
        """Create or upgrade the tables (idempotent); concurrent openers, threads or processes,
        take turns."""
        with self._lock, setup_lock(self.path):
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(verdicts)")}
            if "before" not in columns:  # files made by schema version 1
                self._db.execute("ALTER TABLE verdicts ADD COLUMN before TEXT")
            self._ensure_search_table()
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _ensure_search_table(self) -> None:
        """Create the full-text table; one of an older layout is rebuilt from the documents
        (files made before schema version 3 had ``items_fts`` with two columns)."""
        columns = [row[1] for row in self._db.execute(f"PRAGMA table_info({SEARCH_TABLE})")]
        if columns and columns != ["id", *SEARCH_FIELDS]:
            with self._db:
                self._db.execute(f"DROP TABLE {SEARCH_TABLE}")
        if columns != ["id", *SEARCH_FIELDS]:
            with self._db:
                self._db.execute(SEARCH_TABLE_SQL)
                self._db.execute("DROP TABLE IF EXISTS items_fts")
                self._rebuild_search(self._db)

    def _rebuild_search(self, db: sqlite3.Connection) -> int:
        db.execute(f"DELETE FROM {SEARCH_TABLE}")
        rebuilt = 0
        for row in db.execute("SELECT doc FROM items").fetchall():
            doc = json.loads(row["doc"])
            doc.update(streams_of(doc).fields)
            self._write_search(db, doc)
            rebuilt += 1
        return rebuilt

    def upsert(self, items: Iterable[IndexedItem]) -> UpsertReport:
        """Write items by id, ``COMMIT_EVERY`` to a transaction: a night's batch never holds
        the write lock long enough to keep a reviewer's verdict waiting."""
        report = UpsertReport()
        iterator = iter(items)
        while chunk := list(islice(iterator, COMMIT_EVERY)):
            self._upsert_chunk(chunk, report)
        return report

    def _upsert_chunk(self, items: list[IndexedItem], report: UpsertReport) -> None:
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

    def _write_item(self, db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        db.execute(
            """INSERT INTO items (id, doc, label, flagged, score, source_id, date)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET doc = excluded.doc,
                   label = excluded.label, flagged = excluded.flagged,
                   score = excluded.score, source_id = excluded.source_id,
                   date = excluded.date""",
            (
                doc["id"], json.dumps(_stored_part(doc), ensure_ascii=False), doc["label"],
                int(doc["flagged"]), doc["score"], doc["source_id"],
                _sortable_time(doc["date"]),
            ),
        )
        self._write_search(db, doc)

    @staticmethod
    def _write_search(db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        """The document's search streams, and its words in the vocabulary."""
        db.execute(f"DELETE FROM {SEARCH_TABLE} WHERE id = ?", (doc["id"],))
        db.execute(
            f"INSERT INTO {SEARCH_TABLE} (id, {', '.join(SEARCH_FIELDS)}) "
            f"VALUES (?{', ?' * len(SEARCH_FIELDS)})",
            (doc["id"], *(doc[name] for name in SEARCH_FIELDS)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO word_forms (form, folded) VALUES (?, ?)",
            [(form, fold(form)) for form in sorted(forms_of(doc))],
        )

    def get(self, item_id: str) -> StoredItem | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc, review FROM items WHERE id = ?", (item_id,)
            ).fetchone()
        return None if row is None else self._stored(row)

    @staticmethod
    def _stored(row: sqlite3.Row) -> StoredItem:
        doc = json.loads(row["doc"])
        doc["review"] = json.loads(row["review"]) if row["review"] else None
        return stored_item(doc)

    @staticmethod
    def _plan_with(db: sqlite3.Connection, query: SearchQuery) -> QueryPlan:
        candidates = word_candidates(query.text, query.exact)
        vocabulary: dict[str, list[str]] = {}
        if candidates:
            rows = db.execute(
                f"SELECT folded, form FROM word_forms WHERE folded IN "
                f"({','.join('?' * len(candidates))}) ORDER BY form",
                candidates,
            ).fetchall()
            for folded, form in rows:
                vocabulary.setdefault(folded, []).append(form)
        return plan_query(query.text, query.exact, vocabulary)

    def plan(self, query: SearchQuery) -> QueryPlan:
        """The query's words cut against this store's vocabulary (``index.search_plan``)."""
        with self._lock:
            return self._plan_with(self._db, query)

    @staticmethod
    def _select(sql: SqlQuery, order: str, tail: str = "") -> tuple[str, list[Any]]:
        text = (
            f"SELECT items.doc, items.review, {sql.rank} AS rank FROM {sql.source} "
            f"WHERE {sql.where} ORDER BY {order} {tail}"
        )
        return text, [*sql.rank_params, *sql.params]

    def search(
        self, query: SearchQuery, *, facets: Sequence[AggregateBy] = (), facet_size: int = 20
    ) -> SearchResult:
        with self._lock:
            plan = self._plan_with(self._db, query)
            sql = sql_query(query, plan)
            total = self._db.execute(
                f"SELECT count(*) FROM {sql.source} WHERE {sql.where}", sql.params
            ).fetchone()[0]
            text, params = self._select(sql, SORTS[query.sort], "LIMIT ? OFFSET ?")
            rows = self._db.execute(text, [*params, query.size, query.offset]).fetchall()
        hits = [search_hit(self._stored(row), plan) for row in rows]
        counted = self.facets(query, by=facets, size=facet_size) if facets else {}
        return SearchResult(total=total, hits=hits, facets=counted)

    def count(self, query: SearchQuery | None = None) -> int:
        query = query or SearchQuery()
        with self._lock:
            sql = sql_query(query, self._plan_with(self._db, query), ranked=False)
            row = self._db.execute(
                f"SELECT count(*) FROM {sql.source} WHERE {sql.where}", sql.params
            ).fetchone()
        return int(row[0])

    def count_by_label(self, query: SearchQuery | None = None) -> dict[str, int]:
        """Every label with items; the taxonomy bounds how many there can be."""
        return self.aggregate(query, by="label", size=len(LABELS))

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
            # A new verdict is the reviewer's answer to an edit: the item leaves the queue.
            db.execute(
                "UPDATE items SET review = ?, review_status = ?, "
                "doc = json_set(doc, '$.edited_after_review', json('false')) WHERE id = ?",
                (payload, verdict.verdict, verdict.item_id),
            )
            db.execute(
                "INSERT INTO verdicts (item_id, verdict, before) VALUES (?, ?, ?)",
                (verdict.item_id, payload, row["review"]),
            )

    def undo_verdict(self, item_id: str, at: datetime, reviewer: str) -> ReviewVerdict:
        with self._transaction() as db:
            row = db.execute("SELECT review FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise KeyError(f"no item with id {item_id}")
            current = ReviewVerdict.model_validate_json(row["review"]) if row["review"] else None
            undone = undoable(current, at)
            entries = db.execute(
                "SELECT verdict, before FROM verdicts WHERE item_id = ? ORDER BY seq DESC",
                (item_id,),
            )
            restored = next((entry["before"] for entry in entries
                             if ReviewVerdict.model_validate_json(entry["verdict"]) == undone),
                            None)
            entry = undo_entry(undone, reviewer)
            status = ReviewVerdict.model_validate_json(restored).verdict if restored else None
            db.execute("UPDATE items SET review = ?, review_status = ? WHERE id = ?",
                       (restored, status, item_id))
            db.execute("INSERT INTO verdicts (item_id, verdict, before) VALUES (?, ?, ?)",
                       (item_id, entry.model_dump_json(), row["review"]))
        return entry

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
        query = query or SearchQuery()
        order = "grp ASC" if by == "day" else "n DESC, grp ASC"
        limit = "" if by == "day" else f"LIMIT {int(size)}"
        with self._lock:
            sql = sql_query(query, self._plan_with(self._db, query), ranked=False)
            tables = tables.replace("items", sql.source, 1)
            rows = self._db.execute(
                f"SELECT {key} AS grp, count(*) AS n FROM {tables} WHERE {sql.where} "
                f"GROUP BY grp ORDER BY {order} {limit}",
                sql.params,
            ).fetchall()
        return {str(row["grp"]): int(row["n"]) for row in rows if row["grp"] is not None}

    def facets(
        self, query: SearchQuery | None = None, *, by: Sequence[AggregateBy], size: int = 20
    ) -> dict[AggregateBy, dict[str, int]]:
        return {name: self.aggregate(query, by=name, size=size) for name in by}

    def scan(self, query: SearchQuery | None = None, *, batch: int = 500) -> Iterator[StoredItem]:
        """One read transaction on a connection of its own: the scan sees the file as it was
        when it started (WAL snapshot), however many writes arrive while it runs."""
        query = query or SearchQuery()
        reader = sqlite3.connect(self.path, timeout=30)
        reader.row_factory = sqlite3.Row
        try:
            reader.execute("BEGIN")
            sql = sql_query(query, self._plan_with(reader, query))
            text, params = self._select(sql, SORTS[query.sort])
            cursor = reader.execute(text, params)
            while rows := cursor.fetchmany(max(1, batch)):
                for row in rows:
                    yield self._stored(row)
        finally:
            reader.close()

    def copies_of(self, item_id: str, *, known: StoredItem | None = None) -> list[StoredItem]:
        return copies_of(self, item_id, known=known)

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
                f"DELETE FROM {SEARCH_TABLE} WHERE id IN (SELECT id FROM items WHERE date < ?)",
                (bound,),
            )
            return int(db.execute("DELETE FROM items WHERE date < ?", (bound,)).rowcount)

    def migrate(self, progress: Callable[[int, int], object] | None = None) -> MigrationReport:
        """Rebuild the full-text table from the stored documents, in one transaction (one
        step: ``progress`` is called once, at the end)."""
        self.ensure_schema()
        with self._transaction() as db:
            copied = self._rebuild_search(db)
        if progress is not None:
            progress(copied, copied)
        where = f"{self.path}#{SEARCH_TABLE}"
        return MigrationReport(source=where, target=where, copied=copied)

    def compact(self) -> CompactReport:
        """Merge the full-text index's b-trees into one (FTS5 ``optimize``) and refresh the
        query planner's statistics."""
        self.ensure_schema()
        with self._transaction() as db:
            db.execute(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')")
            db.execute("PRAGMA optimize")
        return CompactReport(target=f"{self.path}#{SEARCH_TABLE}")

    def refresh(self) -> None:
        """Writes are visible as soon as they commit."""

    def close(self) -> None:
        with self._lock:
            self._db.close()

"""Durable crawl state in SQLite: seen URLs, body fingerprints, last successful crawl per source."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.clock import now_utc, parse_iso
from crawlers.fingerprint import NEAR_DUPLICATE_BITS, hamming

STATE_FILE_NAME = "crawl_state.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_url (
    canonical_url TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprint (
    item_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    simhash INTEGER
);
CREATE INDEX IF NOT EXISTS fingerprint_hash ON fingerprint(content_hash);
CREATE TABLE IF NOT EXISTS source_run (
    source_id TEXT PRIMARY KEY,
    last_success TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS page_version (
    item_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    first_fetched TEXT NOT NULL,
    last_checked TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS page_version_recent ON page_version(source_id, first_fetched);
CREATE TABLE IF NOT EXISTS crawled_unstored (
    canonical_url TEXT NOT NULL,
    item_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    run_key TEXT NOT NULL,
    PRIMARY KEY (canonical_url, item_id, run_key)
);
CREATE INDEX IF NOT EXISTS crawled_unstored_item ON crawled_unstored(item_id);
CREATE TABLE IF NOT EXISTS source_run_unstored (
    source_id TEXT PRIMARY KEY,
    last_success TEXT NOT NULL
);
"""
# Near-copy search scans the most recent fingerprints only; syndication happens within days.
_NEAR_SCAN_LIMIT = 50_000


@dataclass(frozen=True)
class PageVersion:
    """The last stored version of an article page and the validators it was served with."""

    item_id: str
    url: str
    content_hash: str
    version: int
    etag: str | None
    last_modified: str | None


class CrawlState:
    """What earlier crawls stored; one writer (the crawl process) at a time.

    With ``pending_run`` (the nightly run's key), a written item's URLs wait in
    ``crawled_unstored`` until the run has stored the item (index or spool) and calls
    ``mark_stored``; only then do other runs' crawls skip them (crawls of the same run skip
    them at once: its own outputs hold them). A run killed in between therefore loses nothing:
    the next run fetches those URLs again.
    """

    def __init__(self, path: Path, *, pending_run: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.pending_run = pending_run
        self.defer_seen = pending_run is not None
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._db.commit()

    @classmethod
    def in_dir(cls, data_dir: Path, *, pending_run: str | None = None) -> CrawlState:
        return cls(data_dir / STATE_FILE_NAME, pending_run=pending_run)

    def close(self) -> None:
        self._db.close()

    def has_url(self, canonical_url: str) -> bool:
        row = self._db.execute("SELECT 1 FROM seen_url WHERE canonical_url = ?", (canonical_url,))
        if row.fetchone() is not None:
            return True
        if self.pending_run is None:
            return False
        row = self._db.execute(
            "SELECT 1 FROM crawled_unstored WHERE canonical_url = ? AND run_key = ?",
            (canonical_url, self.pending_run),
        )
        return row.fetchone() is not None

    def find_copy(self, content_hash: str, simhash: int | None) -> str | None:
        """Id of an earlier item with the same or a near-identical body."""
        row = self._db.execute(
            "SELECT item_id FROM fingerprint WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        if row:
            return str(row[0])
        if simhash is None:
            return None
        rows = self._db.execute(
            "SELECT item_id, simhash FROM fingerprint WHERE simhash IS NOT NULL "
            "ORDER BY rowid DESC LIMIT ?", (_NEAR_SCAN_LIMIT,)
        )
        for item_id, other in rows:
            if hamming(simhash, other) <= NEAR_DUPLICATE_BITS:
                return str(item_id)
        return None

    def record_item(
        self, *, canonical_url: str, item_id: str, source_id: str, content_hash: str | None,
        simhash: int | None,
    ) -> None:
        """Remember a written item; call only after its line is flushed to the output."""
        row = (canonical_url, item_id, source_id, now_utc().isoformat())
        with self._db:
            if self.pending_run is None:
                self._db.execute("INSERT OR IGNORE INTO seen_url VALUES (?, ?, ?, ?)", row)
            else:
                self._db.execute("INSERT OR IGNORE INTO crawled_unstored VALUES (?, ?, ?, ?, ?)",
                                 (*row, self.pending_run))
            if content_hash:
                self._db.execute(
                    "INSERT OR IGNORE INTO fingerprint VALUES (?, ?, ?, ?)",
                    (item_id, source_id, content_hash, simhash),
                )

    def mark_stored(self, item_ids: Iterable[str]) -> int:
        """Items now durably stored (index or spool): their URLs count as seen from now on.
        Returns how many URLs moved."""
        moved = 0
        ids = list(dict.fromkeys(item_ids))
        with self._db:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                moved += self._db.execute(
                    "INSERT OR IGNORE INTO seen_url SELECT canonical_url, item_id, source_id, "
                    f"first_seen FROM crawled_unstored WHERE item_id IN ({marks})", chunk
                ).rowcount
                self._db.execute(
                    f"DELETE FROM crawled_unstored WHERE item_id IN ({marks})", chunk
                )
        return moved

    def unstored(self) -> int:
        """URLs crawled by a deferred crawl and not yet stored."""
        return int(self._db.execute("SELECT count(*) FROM crawled_unstored").fetchone()[0])

    def last_success(self, source_id: str) -> datetime | None:
        row = self._db.execute(
            "SELECT last_success FROM source_run WHERE source_id = ?", (source_id,)
        ).fetchone()
        return parse_iso(row[0]) if row else None

    def mark_success(self, source_id: str, when: datetime) -> None:
        """The source was crawled completely at ``when``; deferred (see ``pending_run``), this
        counts only once ``confirm_success`` says its items are stored, since later crawls
        skip entries older than the last success."""
        table = "source_run_unstored" if self.defer_seen else "source_run"
        with self._db:
            self._db.execute(
                f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT(source_id) "
                "DO UPDATE SET last_success = excluded.last_success",
                (source_id, when.isoformat()),
            )

    def record_version(self, *, item_id: str, url: str, source_id: str, content_hash: str,
                       version: int, etag: str | None, last_modified: str | None) -> None:
        """Remember the version of an article just written, for the corrections re-check."""
        now = now_utc().isoformat()
        with self._db:
            self._db.execute(
                "INSERT INTO page_version VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(item_id) DO UPDATE SET url = excluded.url, "
                "content_hash = excluded.content_hash, version = excluded.version, "
                "etag = excluded.etag, last_modified = excluded.last_modified, "
                "last_checked = excluded.last_checked",
                (item_id, url, source_id, content_hash, version, etag, last_modified, now, now),
            )
            self._db.execute("UPDATE fingerprint SET content_hash = ? WHERE item_id = ?",
                             (content_hash, item_id))

    def mark_checked(self, item_id: str, etag: str | None, last_modified: str | None) -> None:
        """A re-check found the page unchanged; keep its newest validators."""
        with self._db:
            self._db.execute(
                "UPDATE page_version SET etag = COALESCE(?, etag), "
                "last_modified = COALESCE(?, last_modified), last_checked = ? WHERE item_id = ?",
                (etag, last_modified, now_utc().isoformat(), item_id),
            )

    def pages_to_recheck(self, source_id: str, fetched_after: datetime,
                         fetched_before: datetime, limit: int = 0) -> tuple[list[PageVersion], int]:
        """Articles of the source first fetched in the window, least recently checked first
        (then newest first), at most ``limit`` of them (0: all); and how many were left for a
        later crawl."""
        window = (source_id, fetched_after.isoformat(), fetched_before.isoformat())
        rows = self._db.execute(
            "SELECT item_id, url, content_hash, version, etag, last_modified FROM page_version "
            "WHERE source_id = ? AND first_fetched >= ? AND first_fetched < ? "
            "ORDER BY last_checked ASC, first_fetched DESC LIMIT ?",
            (*window, limit if limit > 0 else -1),
        ).fetchall()
        (total,) = self._db.execute(
            "SELECT COUNT(*) FROM page_version "
            "WHERE source_id = ? AND first_fetched >= ? AND first_fetched < ?", window,
        ).fetchone()
        return [PageVersion(*row) for row in rows], int(total) - len(rows)

    def confirm_success(self, source_id: str) -> None:
        """The items of the source's deferred crawl are stored: its success counts now."""
        with self._db:
            self._db.execute(
                "INSERT INTO source_run SELECT source_id, last_success FROM source_run_unstored "
                "WHERE source_id = ? ON CONFLICT(source_id) "
                "DO UPDATE SET last_success = excluded.last_success", (source_id,)
            )
            self._db.execute("DELETE FROM source_run_unstored WHERE source_id = ?", (source_id,))

"""Saved searches: an analyst's named filters, kept in the data directory, shared by link.

A saved search holds only the query string the filters make again (``PageFilters.params``),
never raw input, so its share link (``/s/<id>``) opens the same results for any signed-in
reader. Ids are random and short; the owner (or an admin) can delete one.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from core.clock import now_utc

FILE_NAME = "saved_searches.sqlite3"
MAX_NAME = 120
MAX_PER_OWNER = 200
#: Which page a saved search opens.
SavedPage = Literal["search", "charts"]
PAGES: tuple[str, ...] = ("search", "charts")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    page TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS saved_searches_owner ON saved_searches(owner, created_at);
"""


@dataclass(frozen=True)
class SavedSearch:
    id: str
    owner: str
    name: str
    page: str
    query: str
    created_at: datetime

    @property
    def target(self) -> str:
        """The page with the saved filters."""
        return f"/{self.page}?{self.query}" if self.query else f"/{self.page}"


class SavedSearchLimit(ValueError):
    """The owner has as many saved searches as allowed."""


class SavedSearches:
    """The saved searches of every user, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> SavedSearches:
        return cls(Path(data_dir) / FILE_NAME)

    def save(self, owner: str, name: str, page: str, query: str) -> SavedSearch:
        """Keep ``query`` (an already cleaned query string) under ``name`` for ``owner``."""
        if page not in PAGES:
            raise ValueError(f"unknown page {page!r}")
        saved = SavedSearch(
            id=secrets.token_urlsafe(9), owner=owner, name=name.strip()[:MAX_NAME] or query,
            page=page, query=query, created_at=now_utc(),
        )
        with self._lock:
            count = self._db.execute(
                "SELECT count(*) FROM saved_searches WHERE owner = ?", (owner,)
            ).fetchone()[0]
            if count >= MAX_PER_OWNER:
                raise SavedSearchLimit(f"{owner} already has {count} saved searches")
            self._db.execute(
                "INSERT INTO saved_searches VALUES (?, ?, ?, ?, ?, ?)",
                (saved.id, saved.owner, saved.name, saved.page, saved.query,
                 saved.created_at.isoformat()),
            )
        return saved

    def get(self, saved_id: str) -> SavedSearch | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM saved_searches WHERE id = ?", (saved_id[:64],)
            ).fetchone()
        return _saved(row) if row else None

    def of(self, owner: str) -> list[SavedSearch]:
        """``owner``'s saved searches, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM saved_searches WHERE owner = ? ORDER BY created_at DESC, id",
                (owner,),
            ).fetchall()
        return [_saved(row) for row in rows]

    def delete(self, saved_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM saved_searches WHERE id = ?", (saved_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _saved(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(
        id=row["id"], owner=row["owner"], name=row["name"], page=row["page"],
        query=row["query"], created_at=datetime.fromisoformat(row["created_at"]),
    )

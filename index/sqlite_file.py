"""One SQLite file shared by the threads of a process, set up the same way by every store
that keeps one (items, alerts): WAL, a lock for set-up steps, one transaction at a time."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def setup_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<file>.lock`` beside the database while it is set up: SQLite's
    own locking does not cover a journal-mode switch or a check-then-alter of the schema, and a
    kernel lock is released even when its holder is killed."""
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SqliteFile:
    """A connection to ``path`` in WAL mode, usable from any thread under ``_lock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        # Switching a fresh file to WAL needs it to itself; openers take turns.
        with setup_lock(path):
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

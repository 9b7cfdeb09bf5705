"""A durable outbox of items waiting for the store, so an outage loses nothing.

Items are written to a JSON Lines file under the data directory before the store is tried; the
file is deleted only once every item in it has been written. A later run flushes what is left.
Writes are idempotent (deterministic ids), so flushing twice never duplicates an item.

Flushes take turns (a lock file beside the batches), so two runs, or a run and
``kiemchung index flush``, never write or delete the same batch at once. A batch that cannot be
read whole (the machine died mid-write, a disk error) is moved to ``quarantine/`` with its path
named in the result; the items it still holds are written, and the other batches go on.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from core.clock import now_utc
from core.records import IndexedItem
from index.revisions import carry_history
from index.store import ItemStore

QUARANTINE = "quarantine"
_LOCK_FILE = ".flush.lock"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlushResult:
    written: int
    failed: dict[str, str]
    files_left: int
    #: Batches moved aside because they could not be read whole, where they now are.
    quarantined: list[Path] = field(default_factory=list)
    #: One line per unreadable batch: its path and what was wrong with it.
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchContents:
    """What a batch file holds: the items that could be read, and what could not."""

    items: list[IndexedItem]
    problems: list[str]


class Spool:
    """Pending batches of ``IndexedItem`` in ``directory``, one file per batch."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, items: Iterable[IndexedItem]) -> Path:
        """Write a batch durably (fsync, then an atomic rename) and return its path."""
        final = self.directory / f"{name}.jsonl"
        # Each writer its own partial file, so two writers never interleave their lines.
        partial = final.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.partial")
        with partial.open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(item.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(final)
        _fsync_directory(self.directory)
        return final

    def pending(self) -> list[Path]:
        return sorted(self.directory.glob("*.jsonl"))

    def pending_items(self) -> int:
        """How many items wait in the pending batches (the readable ones)."""
        return sum(len(read_batch_contents(path).items) for path in self.pending()
                   if path.exists())

    def quarantined(self) -> list[Path]:
        return sorted((self.directory / QUARANTINE).glob("*.jsonl"))

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Wait for the other flushes of this spool, in this process or any other."""
        with (self.directory / _LOCK_FILE).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def flush(self, store: ItemStore, path: Path | None = None) -> FlushResult:
        """Write pending batches (or just ``path``) to ``store``; delete each one fully written.

        ``StoreUnavailable`` propagates and leaves the files in place for the next run. Items
        the store refuses for good (a mapping error, say) are in the store's own dead-letter
        list and reported in ``failed``; items that failed for a passing reason (the store was
        overloaded or restarting) stay in the batch, which is kept for the next run. A batch
        another flush finished meanwhile is skipped.
        """
        written = 0
        failed: dict[str, str] = {}
        quarantined: list[Path] = []
        problems: list[str] = []
        with self._turn():
            for batch in [path] if path else self.pending():
                if not batch.exists():
                    continue  # another flush wrote it while this one waited
                contents = read_batch_contents(batch)
                target: Path | None = batch
                if contents.problems:
                    target, moved = self._quarantine(batch, contents)
                    quarantined.append(moved)
                    problems.append(f"{moved}: " + "; ".join(contents.problems[:3]))
                if target is not None:
                    written += self._write(store, target, contents.items, failed)
        return FlushResult(written=written, failed=failed, files_left=len(self.pending()),
                           quarantined=quarantined, problems=problems)

    def _write(
        self, store: ItemStore, batch: Path, items: list[IndexedItem], failed: dict[str, str]
    ) -> int:
        # A corrected article keeps its earlier version and may go back to the review queue.
        items = carry_history(store, items)
        # The whole batch in one call: the store chunks it itself, and Elasticsearch's bulk
        # keeps building the next chunk while the node indexes the last (bench/README.md).
        report = store.upsert(items)
        refused = set(report.dead_lettered)
        failed.update({k: v for k, v in report.failed.items() if k in refused})
        retry = [item for item in items if item.id in report.failed and item.id not in refused]
        if retry:
            self.put(batch.stem, retry)
        else:
            batch.unlink()
        return len(report.written)

    def _quarantine(self, batch: Path, contents: BatchContents) -> tuple[Path | None, Path]:
        """Move an unreadable batch aside; what it still holds goes on as a batch of its own.

        Returns the batch to write now (``None`` when nothing could be read) and where the
        original file went.
        """
        folder = self.directory / QUARANTINE
        folder.mkdir(exist_ok=True)
        stamp = now_utc().strftime("%Y%m%dT%H%M%S%f")
        salvaged = self.put(f"{batch.stem}.salvaged", contents.items) if contents.items else None
        moved = folder / f"{batch.stem}.{stamp}.jsonl"
        batch.replace(moved)
        logger.error("spool batch %s could not be read whole (%s); moved to %s, %d items kept",
                     batch, "; ".join(contents.problems[:3]), moved, len(contents.items))
        return salvaged, moved


def read_batch_contents(path: Path) -> BatchContents:
    """Every item of the batch that can be read, and a note per line that cannot."""
    items: list[IndexedItem] = []
    problems: list[str] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                items.append(IndexedItem.model_validate_json(raw))
            except (ValidationError, ValueError) as exc:
                reason = "torn last line" if not raw.endswith(b"\n") else type(exc).__name__
                problems.append(f"line {number}: {reason}")
    return BatchContents(items=items, problems=problems)


def read_batch(path: Path) -> list[IndexedItem]:
    """The items of a batch; ``ValueError`` naming the file when a line cannot be read."""
    contents = read_batch_contents(path)
    if contents.problems:
        raise ValueError(f"spool batch {path}: " + "; ".join(contents.problems[:3]))
    return contents.items


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable too."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

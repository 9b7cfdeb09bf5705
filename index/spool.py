"""A durable outbox of items waiting for the store, so an outage loses nothing.

Items are written to a JSON Lines file under the data directory before the store is tried; the
file is deleted only once every item in it has been written. A later run flushes what is left.
Writes are idempotent (deterministic ids), so flushing twice never duplicates an item.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.records import IndexedItem
from index.query import UpsertReport
from index.store import ItemStore

BATCH = 500


@dataclass(frozen=True)
class FlushResult:
    written: int
    failed: dict[str, str]
    files_left: int


class Spool:
    """Pending batches of ``IndexedItem`` in ``directory``, one file per batch."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, items: Iterable[IndexedItem]) -> Path:
        """Write a batch durably (fsync, then an atomic rename) and return its path."""
        final = self.directory / f"{name}.jsonl"
        partial = final.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(item.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(final)
        return final

    def pending(self) -> list[Path]:
        return sorted(self.directory.glob("*.jsonl"))

    def flush(self, store: ItemStore, path: Path | None = None) -> FlushResult:
        """Write pending batches (or just ``path``) to ``store``; delete each one fully written.

        ``StoreUnavailable`` propagates and leaves the files in place for the next run. Items
        the store refuses for good (a mapping error, say) are in the store's own dead-letter
        list and reported in ``failed``; items that failed for a passing reason (the store was
        overloaded or restarting) stay in the batch, which is kept for the next run.
        """
        written = 0
        failed: dict[str, str] = {}
        for batch in [path] if path else self.pending():
            report = UpsertReport()
            items = read_batch(batch)
            for start in range(0, len(items), BATCH):
                report.merge(store.upsert(items[start : start + BATCH]))
            written += len(report.written)
            refused = set(report.dead_lettered)
            failed.update({k: v for k, v in report.failed.items() if k in refused})
            retry = [item for item in items if item.id in report.failed and item.id not in refused]
            if retry:
                self.put(batch.stem, retry)
            else:
                batch.unlink()
        return FlushResult(written=written, failed=failed, files_left=len(self.pending()))


def read_batch(path: Path) -> list[IndexedItem]:
    with path.open(encoding="utf-8") as handle:
        return [IndexedItem.model_validate_json(line) for line in handle if line.strip()]

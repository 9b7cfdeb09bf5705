"""The embedded store's file is created by whoever opens it first, however many open it at once.

``kiemchung demo`` on a fresh data directory opens the store from several tasks at once; before
the schema creation was serialised, about half of those openings failed ("database is locked",
"duplicate column name").
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from core.settings import Settings
from index.factory import open_store
from tests.factories import make_item

OPENERS = 8
ROUNDS = 20


def _open_and_write(path: str, number: int, start: object, errors: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    try:
        store = open_store(Settings(data_dir=Path(path)))
        try:
            store.upsert([make_item(f"https://tin.example/race-{number}.html", text="Bài")])
        finally:
            store.close()
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]


def test_processes_opening_a_fresh_store_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_number in range(ROUNDS):
        directory = tmp_path / f"round-{round_number}"
        start, errors = context.Event(), context.Queue()
        workers = [
            context.Process(target=_open_and_write, args=(str(directory), n, start, errors))
            for n in range(OPENERS)
        ]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=120)
        while not errors.empty():
            failures.append(errors.get())
        assert failures == []
        store = open_store(Settings(data_dir=directory))
        try:
            assert store.count() == OPENERS
        finally:
            store.close()


def test_threads_opening_a_fresh_store_at_once_all_succeed(tmp_path: Path) -> None:
    failures: list[str] = []

    def opener(number: int, start: threading.Event) -> None:
        start.wait()
        try:
            store = open_store(Settings(data_dir=tmp_path / "threads"))
            try:
                store.upsert([make_item(f"https://tin.example/t-{number}.html", text="Bài")])
            finally:
                store.close()
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    start = threading.Event()
    threads = [threading.Thread(target=opener, args=(n, start)) for n in range(OPENERS)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []

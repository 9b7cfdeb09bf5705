"""A re-index (a schema migration, or the nightly re-write of every item) runs while reviewers
record verdicts: every verdict survives, on the item and in the audit log."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.records import ReviewVerdict
from core.settings import Settings
from index.factory import open_store
from index.store import ItemStore
from tests.factories import make_item

N_ITEMS = 400


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ItemStore]:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path)
    else:
        settings = Settings(
            data_dir=tmp_path,
            es_url=request.getfixturevalue("es_url"),
            index_prefix=request.getfixturevalue("es_prefix"),
        )
    opened = open_store(settings)
    yield opened
    opened.close()


def _items() -> list:
    return [
        make_item(f"https://reindex.example/{n}", text=f"Tin thủy điện số {n}",
                  label="disaster_hoax", score=0.5 + n / (2 * N_ITEMS))
        for n in range(N_ITEMS)
    ]


def _review_while(store: ItemStore, job: Callable[[], object]) -> dict[str, ReviewVerdict]:
    """Run ``job`` in a thread and record verdicts until it ends (at least a dozen)."""
    items = _items()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            job()
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    worker = threading.Thread(target=run)
    recorded: dict[str, ReviewVerdict] = {}
    worker.start()
    n = 0
    while worker.is_alive() or n < 12:
        item = items[(n * 37) % N_ITEMS]
        verdict = ReviewVerdict(
            item_id=item.id, verdict="confirmed" if n % 2 else "needs_expert",
            label="disaster_hoax", note=f"lần {n}", reviewer=f"reviewer{n % 3}",
        )
        store.record_verdict(verdict)
        recorded[item.id] = verdict
        n += 1
    worker.join()
    assert not errors, errors
    store.refresh()
    return recorded


def _assert_survived(store: ItemStore, recorded: dict[str, ReviewVerdict]) -> None:
    for item_id, verdict in recorded.items():
        got = store.get(item_id)
        assert got is not None and got.verdict == verdict, item_id
        assert store.verdict_history(item_id)[-1] == verdict
    assert store.count() == N_ITEMS


def test_verdicts_survive_a_migration_running_at_the_same_time(store: ItemStore) -> None:
    assert store.upsert(_items()).ok
    store.refresh()
    recorded = _review_while(store, store.migrate)
    _assert_survived(store, recorded)


def test_verdicts_survive_the_nightly_rewrite_at_the_same_time(store: ItemStore) -> None:
    assert store.upsert(_items()).ok
    store.refresh()

    def nightly() -> None:
        for _ in range(2):
            assert store.upsert(_items()).ok

    recorded = _review_while(store, nightly)
    _assert_survived(store, recorded)

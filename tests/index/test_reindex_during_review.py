"""A re-index (a schema migration, or the nightly re-write of every item) runs while reviewers
record verdicts: every verdict survives, on the item and in the audit log."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from core.records import ReviewVerdict
from core.settings import Settings
from index.factory import open_store
from index.store import ItemStore
from tests.factories import make_item

N_ITEMS = 600





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


def test_a_verdict_in_the_window_between_copy_and_switch_survives(
    es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    from index.es_migration import migrate_items
    from index.es_store import ElasticStore

    store = open_store(Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix))
    assert isinstance(store, ElasticStore)
    items = _items()[:50]
    store.upsert(items)
    store.record_verdict(ReviewVerdict(item_id=items[1].id, verdict="needs_expert", reviewer="a"))
    store.refresh()
    late = ReviewVerdict(item_id=items[0].id, verdict="confirmed", label="disaster_hoax",
                         note="ghi trong lúc chuyển chỉ mục", reviewer="lan")
    rewritten = items[2].model_copy(update={"indexed_at": items[2].indexed_at.replace(year=2027)})
    report = migrate_items(
        store.client, store.names,
        on_copied=lambda: (store.record_verdict(late), store.upsert([rewritten])),
    )
    store.refresh()
    assert report.caught_up == 2
    got = store.get(items[0].id)
    assert got is not None and got.verdict == late
    earlier = store.get(items[1].id)
    assert earlier is not None and earlier.verdict is not None
    assert earlier.verdict.verdict == "needs_expert"
    moved = store.get(items[2].id)
    assert moved is not None and moved.indexed.indexed_at.year == 2027
    store.close()

"""The durable outbox: nothing is lost while the store is down, nothing written twice after."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from core.settings import Settings
from index.es_store import ElasticStore
from index.factory import open_store
from index.spool import Spool, read_batch
from index.store import StoreUnavailable
from tests.factories import make_item


def _items(n: int) -> list:
    return [make_item(f"https://tin.example/bai-{i}.html", text=f"Bài số {i}") for i in range(n)]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_put_is_atomic_and_readable(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    batch = spool.put("run-1-source", _items(3))
    assert [item.id for item in read_batch(batch)] == [item.id for item in _items(3)]
    assert not list((tmp_path / "spool").glob("*.partial"))
    assert spool.pending() == [batch]


def test_flush_writes_and_removes_the_batch(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put("a", _items(4))
    spool.put("b", _items(2))  # the same first two items again: still four in all
    store = open_store(Settings(data_dir=tmp_path))
    result = spool.flush(store)
    assert (result.written, result.failed, result.files_left) == (6, {}, 0)
    assert store.count() == 4
    store.close()


def test_unreachable_store_keeps_everything_for_the_next_run(
    tmp_path: Path, es_url: str, es_prefix: str
) -> None:
    spool = Spool(tmp_path / "spool")
    batch = spool.put("night", _items(5))
    down = ElasticStore(
        Elasticsearch(f"http://127.0.0.1:{_closed_port()}", max_retries=0), prefix=es_prefix
    )
    with pytest.raises(StoreUnavailable):
        spool.flush(down)
    assert spool.pending() == [batch] and len(read_batch(batch)) == 5

    store = open_store(Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix))
    assert spool.flush(store).written == 5
    assert spool.flush(store).written == 0  # nothing left, nothing written twice
    store.refresh()
    assert store.count() == 5
    store.close()


def test_a_torn_batch_is_quarantined_by_name_and_the_rest_is_written(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put("first", _items(2))
    torn = spool.put("torn", _items(5)[2:])
    spool.put("last", _items(7)[5:])
    whole = torn.read_bytes()
    torn.write_bytes(whole[: len(whole) - 40])  # the machine died while the last line was written
    (tmp_path / "spool" / "garbage.jsonl").write_text("not json at all\n", encoding="utf-8")
    store = open_store(Settings(data_dir=tmp_path))
    try:
        result = spool.flush(store)
        assert result.written == 6  # every readable item, the torn batch's first two included
        assert store.count() == 6
    finally:
        store.close()
    assert result.files_left == 0
    names = sorted(path.name for path in result.quarantined)
    assert [name.split(".")[0] for name in names] == ["garbage", "torn"]
    assert all(path.parent == tmp_path / "spool" / "quarantine" for path in result.quarantined)
    assert all(path.exists() for path in result.quarantined)  # kept for a person to look at
    assert any("torn" in problem and "line 3" in problem for problem in result.problems)
    assert spool.quarantined() == sorted(result.quarantined)


def test_two_flushes_at_once_both_finish_and_write_each_item_once(tmp_path: Path) -> None:
    import threading

    spool = Spool(tmp_path / "spool")
    for n in range(12):
        spool.put(f"batch-{n:02d}", _items(40)[n * 3 : n * 3 + 3])
    results: list[object] = []
    start = threading.Event()

    def flusher() -> None:
        start.wait()
        store = open_store(Settings(data_dir=tmp_path))
        try:
            results.append(Spool(tmp_path / "spool").flush(store))
        except Exception as exc:  # the test fails on any
            results.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=flusher) for _ in range(3)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.written for r in results) == 36  # type: ignore[attr-defined]
    assert spool.pending() == []
    store = open_store(Settings(data_dir=tmp_path))
    try:
        assert store.count() == 36
    finally:
        store.close()


def test_a_batch_larger_than_a_transaction_is_written_whole_in_one_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The spool hands the store the whole batch; SQLite commits it a few items at a time.
    monkeypatch.setattr("index.sqlite_store.COMMIT_EVERY", 3)
    items = _items(8)
    items[4] = make_item("https://tin.example/qua-dai.html", author="x" * 40_000)
    spool = Spool(tmp_path / "spool")
    spool.put("big", items)
    store = open_store(Settings(data_dir=tmp_path))
    result = spool.flush(store)
    assert result.written == 7
    assert list(result.failed) == [items[4].id]
    assert result.files_left == 0
    assert store.count() == 7
    store.close()

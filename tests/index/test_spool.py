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

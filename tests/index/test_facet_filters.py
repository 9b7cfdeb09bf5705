"""Filters and counts the analyst's facets use (source kind, province, entity, verdict),
and undoing a verdict,
the same on SQLite and on a real Elasticsearch node."""

from __future__ import annotations

import pytest

from core.records import Enrichment, IndexedItem, ReviewVerdict
from index.query import SearchQuery
from index.store import ItemStore
from index.verdict_rules import InvalidVerdict
from tests.factories import make_item


def _items() -> list[IndexedItem]:
    def enriched(item: IndexedItem, provinces: list[str], entities: list[str]) -> IndexedItem:
        return item.model_copy(
            update={"enrichment": Enrichment(provinces=provinces, entities=entities)}
        )

    return [
        enriched(make_item("https://f.example/1", label="disaster_hoax", source_id="fb",
                           source_kind="social"), ["Quảng Nam"], ["EVN"]),
        enriched(make_item("https://f.example/2", label="none", source_id="vnexpress"),
                 ["Quảng Nam", "Huế"], ["EVN", "Bộ Công Thương"]),
        enriched(make_item("https://f.example/3", label="solution_myth", source_id="fb",
                           source_kind="social"), ["Hà Nội"], []),
    ]


def _ids(store: ItemStore, query: SearchQuery) -> set[str]:
    return {hit.stored.indexed.item.url[-1] for hit in store.search(query).hits}


def test_filters_by_source_kind_province_and_entity(store: ItemStore) -> None:
    assert store.upsert(_items()).ok
    store.refresh()
    assert _ids(store, SearchQuery(source_kinds=("social",))) == {"1", "3"}
    assert _ids(store, SearchQuery(source_kinds=("news",))) == {"2"}
    assert _ids(store, SearchQuery(provinces=("Quảng Nam",))) == {"1", "2"}
    assert _ids(store, SearchQuery(provinces=("Huế", "Hà Nội"))) == {"2", "3"}
    assert _ids(store, SearchQuery(entities=("EVN",))) == {"1", "2"}
    assert _ids(store, SearchQuery(entities=("Bộ Công Thương",), provinces=("Huế",))) == {"2"}
    assert _ids(store, SearchQuery(entities=("EVN",), source_kinds=("social",))) == {"1"}
    assert store.count(SearchQuery(provinces=("Đà Nẵng",))) == 0


def test_counts_by_source_kind_and_verdict(store: ItemStore) -> None:
    items = _items()
    assert store.upsert(items).ok
    store.record_verdict(ReviewVerdict(item_id=items[0].item.id, verdict="needs_expert",
                                       reviewer="lan"))
    store.refresh()
    assert store.aggregate(by="source_kind") == {"social": 2, "news": 1}
    assert store.aggregate(by="verdict") == {"unreviewed": 2, "needs_expert": 1}
    assert store.aggregate(SearchQuery(provinces=("Quảng Nam",)), by="verdict") == {
        "needs_expert": 1, "unreviewed": 1,
    }


def test_undo_restores_the_verdict_before_and_the_log_keeps_both(store: ItemStore) -> None:
    items = _items()
    assert store.upsert(items).ok
    first, second = items[0].item.id, items[1].item.id
    hasty = ReviewVerdict(item_id=first, verdict="needs_expert", reviewer="lan")
    store.record_verdict(hasty)
    undo = store.undo_verdict(first, hasty.at, "lan")
    store.refresh()
    stored = store.get(first)
    assert stored is not None and stored.verdict is None
    assert store.count(SearchQuery(review_status="unreviewed")) == 3
    log = store.audit_log(item_id=first)
    assert [(e.verdict.verdict, e.verdict.undoes) for e in log] == [
        ("needs_expert", hasty.at), ("needs_expert", None),
    ]
    assert log[0].verdict == undo and log[0].before == hasty

    # Undoing the second of two verdicts gives the first back.
    kept = ReviewVerdict(item_id=second, verdict="not_misleading", label="none", reviewer="an")
    store.record_verdict(kept)
    later = ReviewVerdict(item_id=second, verdict="needs_expert", reviewer="lan")
    store.record_verdict(later)
    store.undo_verdict(second, later.at, "lan")
    store.refresh()
    again = store.get(second)
    assert again is not None and again.verdict == kept
    assert store.count(SearchQuery(review_status="not_misleading")) == 1


def test_undo_never_takes_back_a_later_verdict(store: ItemStore) -> None:
    items = _items()
    assert store.upsert(items).ok
    item_id = items[0].item.id
    mine = ReviewVerdict(item_id=item_id, verdict="needs_expert", reviewer="lan")
    store.record_verdict(mine)
    theirs = ReviewVerdict(item_id=item_id, verdict="confirmed", label="disaster_hoax",
                           reviewer="an")
    store.record_verdict(theirs)
    with pytest.raises(InvalidVerdict):
        store.undo_verdict(item_id, mine.at, "lan")
    store.undo_verdict(item_id, theirs.at, "an")
    with pytest.raises(InvalidVerdict):  # twice is once
        store.undo_verdict(item_id, theirs.at, "an")
    with pytest.raises(KeyError):
        store.undo_verdict("no-such-item", mine.at, "lan")
    stored = store.get(item_id)
    assert stored is not None and stored.verdict == mine
    assert len(store.audit_log(item_id=item_id)) == 3


def test_facets_count_what_each_aggregate_counts(store: ItemStore) -> None:
    """A page's facets in one call count exactly what one ``aggregate`` per facet counts."""
    items = _items()
    assert store.upsert(items).ok
    store.record_verdict(ReviewVerdict(item_id=items[1].item.id, verdict="needs_expert",
                                       reviewer="lan"))
    store.refresh()
    names = ("label", "source", "source_kind", "province", "entity", "verdict", "day")
    for query in (None, SearchQuery(provinces=("Quảng Nam",)), SearchQuery(text="thuy dien")):
        counted = store.facets(query, by=names, size=2)
        assert counted == {name: store.aggregate(query, by=name, size=2) for name in names}
    assert store.facets(by=("province",), size=10) == {
        "province": {"Quảng Nam": 2, "Hà Nội": 1, "Huế": 1}
    }


def test_a_search_counts_its_facets_over_every_match(store: ItemStore) -> None:
    """Facets asked of ``search`` count all matching items, not the page of hits."""
    assert store.upsert(_items()).ok
    store.refresh()
    query = SearchQuery(provinces=("Quảng Nam", "Hà Nội"), size=1)
    result = store.search(query, facets=("source", "province"), facet_size=10)
    assert len(result.hits) == 1 and result.total == 3
    assert result.facets == store.facets(query, by=("source", "province"), size=10)
    assert result.facets["source"] == {"fb": 2, "vnexpress": 1}
    assert store.search(query).facets == {}

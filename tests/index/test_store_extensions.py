"""Aggregations, deep scans, copies, the audit log, dead letters, retention and migration,
on SQLite and on a real Elasticsearch node alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.records import Enrichment, ReviewVerdict
from core.settings import Settings
from index.es_store import ElasticStore
from index.factory import open_store
from index.query import SearchQuery
from index.store import ItemStore
from tests.factories import make_item


def _items() -> list:
    def enriched(item, provinces, entities):  # type: ignore[no-untyped-def]
        return item.model_copy(
            update={"enrichment": Enrichment(provinces=provinces, entities=entities)}
        )

    return [
        enriched(make_item(
            "https://a.example/1", text="Thủy điện xả lũ", label="disaster_hoax", score=0.9,
            source_id="fb", published=datetime(2026, 10, 1, 18, 0, tzinfo=UTC),  # 2 Oct in VN
        ), ["Quảng Nam"], ["EVN"]),
        enriched(make_item(
            "https://a.example/2", text="Thủy điện an toàn", label="none", score=0.8,
            source_id="vnexpress", published=datetime(2026, 10, 2, 3, 0, tzinfo=UTC),
        ), ["Quảng Nam", "Huế"], ["EVN"]),
        enriched(make_item(
            "https://a.example/3", text="Xe điện gây ô nhiễm", label="solution_myth",
            score=0.7, source_id="fb", published=datetime(2026, 10, 5, 3, 0, tzinfo=UTC),
        ), ["Hà Nội"], []),
    ]


def test_aggregate_by_label_source_day_province_entity(store: ItemStore) -> None:
    store.upsert(_items())
    store.refresh()
    assert store.aggregate(by="label") == {"disaster_hoax": 1, "none": 1, "solution_myth": 1}
    assert list(store.aggregate(by="source").items()) == [("fb", 2), ("vnexpress", 1)]
    assert store.aggregate(by="day") == {"2026-10-02": 2, "2026-10-05": 1}
    assert store.aggregate(by="province") == {"Quảng Nam": 2, "Huế": 1, "Hà Nội": 1}
    assert store.aggregate(by="entity") == {"EVN": 2}
    assert store.aggregate(SearchQuery(text="thuy dien"), by="source") == {"fb": 1, "vnexpress": 1}
    assert store.aggregate(by="source", size=1) == {"fb": 2}


def test_scan_pages_deeper_than_one_page(store: ItemStore) -> None:
    items = [
        make_item(f"https://deep.example/{n}", text=f"Tin số {n}", score=n / 1000)
        for n in range(620)
    ]
    assert store.upsert(items).ok
    store.refresh()
    seen = [stored.id for stored in store.scan(SearchQuery(sort="score"), batch=250)]
    assert len(seen) == 620 and len(set(seen)) == 620
    assert seen[0] == items[-1].id and seen[-1] == items[0].id
    assert sum(1 for _ in store.scan(SearchQuery(text="619"))) == 1


def test_copies_of_the_same_story(store: ItemStore) -> None:
    first = make_item("https://a.example/goc", text="Bản gốc")
    copy_a = make_item("https://b.example/copy", text="Bản sao", duplicate_of=first.id)
    copy_b = make_item("https://c.example/copy", text="Bản sao 2", duplicate_of=first.id)
    other = make_item("https://d.example/khac", text="Tin khác")
    store.upsert([first, copy_a, copy_b, other])
    store.refresh()
    assert {s.id for s in store.copies_of(first.id)} == {copy_a.id, copy_b.id}
    assert {s.id for s in store.copies_of(copy_a.id)} == {first.id, copy_b.id}
    assert store.copies_of(other.id) == [] and store.copies_of("missing") == []


def test_audit_log_keeps_before_and_after(store: ItemStore) -> None:
    item = _items()[0]
    store.upsert([item])
    at = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    store.record_verdict(ReviewVerdict(item_id=item.id, verdict="needs_expert",
                                       reviewer="lan", at=at))
    store.record_verdict(ReviewVerdict(item_id=item.id, verdict="confirmed", label="disaster_hoax",
                                       reviewer="minh", at=at + timedelta(minutes=5)))
    log = store.audit_log()
    assert [entry.verdict.verdict for entry in log] == ["confirmed", "needs_expert"]
    assert log[0].before is not None and log[0].before.verdict == "needs_expert"
    assert log[0].before.reviewer == "lan" and log[1].before is None
    assert [e.verdict.reviewer for e in store.audit_log(reviewer="lan")] == ["lan"]
    assert store.audit_log(item_id="other") == []
    assert len(store.audit_log(offset=1, size=5)) == 1
    assert [v.verdict for v in store.verdict_history(item.id)] == ["needs_expert", "confirmed"]


def test_an_item_the_store_refuses_goes_to_dead_letters(store: ItemStore) -> None:
    good = _items()[0]
    # A keyword over 32766 bytes: Elasticsearch refuses it ("immense term"), so does SQLite.
    bad = make_item("https://a.example/bad", text="x", section="s" * 40000)
    report = store.upsert([good, bad])
    store.refresh()
    assert report.written == [good.id]
    assert set(report.failed) == {bad.id} and report.dead_lettered == [bad.id]
    assert report.partly_failed and not report.ok
    letters = store.dead_letters()
    assert [letter.item_id for letter in letters] == [bad.id]
    assert letters[0].item is not None and letters[0].item.item.section == "s" * 40000
    assert store.count() == 1


def test_retention_deletes_old_items_and_keeps_the_audit_log(store: ItemStore) -> None:
    items = _items()
    store.upsert(items)
    store.record_verdict(ReviewVerdict(item_id=items[0].id, verdict="confirmed",
                                       label="disaster_hoax", reviewer="a"))
    store.refresh()
    deleted = store.apply_retention(datetime(2026, 10, 3, tzinfo=UTC))
    store.refresh()
    assert deleted == 2
    assert [s.id for s in store.scan()] == [items[2].id]
    assert store.search(SearchQuery(text="thuy dien")).total == 0
    assert len(store.audit_log(item_id=items[0].id)) == 1
    assert store.apply_retention(datetime(2026, 10, 3, tzinfo=UTC)) == 0


def test_migrate_keeps_items_and_verdicts(store: ItemStore) -> None:
    items = _items()
    store.upsert(items)
    store.record_verdict(ReviewVerdict(item_id=items[1].id, verdict="not_misleading",
                                       label="none", reviewer="a"))
    store.refresh()
    told: list[tuple[int, int]] = []
    report = store.migrate(progress=lambda copied, total: told.append((copied, total)))
    assert report.copied == 3
    assert told and told[-1] == (3, 3)
    store.ensure_schema()
    store.refresh()
    assert store.count() == 3
    assert store.search(SearchQuery(text="thuy dien")).total == 2
    got = store.get(items[1].id)
    assert got is not None and got.verdict is not None and got.verdict.verdict == "not_misleading"
    store.upsert([items[0]])
    assert store.migrate().copied == 3  # and again, from the migrated index


def test_retention_policy_follows_the_setting(store: ItemStore) -> None:
    from index.retention import enforce_retention

    store.upsert(_items())
    store.refresh()
    now = datetime(2026, 10, 5, tzinfo=UTC)
    assert enforce_retention(store, 0, now) == 0  # 0 keeps everything
    assert enforce_retention(store, 2, now) == 2  # before 3 Oct, 00:00 UTC
    store.refresh()
    assert store.count() == 1


@pytest.fixture
def elastic(es_url: str, es_prefix: str, tmp_path: Path) -> Iterator[ElasticStore]:
    """The Elasticsearch store alone, for what only it has (indices, templates, segments)."""
    store = open_store(Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix))
    assert isinstance(store, ElasticStore)
    yield store
    store.close()


def test_a_migration_builds_the_new_index_from_the_versioned_template(
    elastic: ElasticStore, es_prefix: str
) -> None:
    from index.es_schema import load_schema

    report = elastic.migrate()
    client = elastic.client
    mapping = client.indices.get_mapping(index=report.target)[report.target]["mappings"]
    assert mapping["dynamic"] == "strict" and mapping["properties"]["label"] == {
        "type": "keyword"}
    assert set(mapping["properties"]) == set(load_schema("items")["mappings"]["properties"])
    assert list(client.indices.get_alias(name=elastic.names.items_alias)) == [report.target]
    by_hand = f"{es_prefix}-items-v99"
    client.indices.create(index=by_hand)
    assert client.indices.get_mapping(index=by_hand)[by_hand]["mappings"] == mapping


def _load_in_pieces(store: ItemStore, pieces: int) -> list:
    """Items written in ``pieces`` refreshed batches: on Elasticsearch, a segment each."""
    items = [
        make_item(f"https://pieces.example/{n}", text=f"Thủy điện xả lũ, tin số {n}",
                  label="disaster_hoax" if n % 3 else "none", score=n / 100)
        for n in range(pieces * 10)
    ]
    for start in range(0, len(items), 10):
        assert store.upsert(items[start : start + 10]).ok
        store.refresh()
    return items


def test_compact_changes_no_item_and_no_answer(store: ItemStore) -> None:
    items = _load_in_pieces(store, 8)
    store.record_verdict(ReviewVerdict(item_id=items[4].id, verdict="confirmed",
                                       label="disaster_hoax", reviewer="a"))
    store.refresh()
    query = SearchQuery(text="thuy dien xa lu", sort="relevance", size=100)
    before = [(hit.stored.id, hit.highlights) for hit in store.search(query).hits]
    store.compact()
    store.refresh()
    assert [(hit.stored.id, hit.highlights) for hit in store.search(query).hits] == before
    assert len(before) == store.count() == len(items)
    got = store.get(items[4].id)
    assert got is not None and got.verdict is not None and got.verdict.verdict == "confirmed"
    assert store.upsert([items[0]]).ok  # and the store takes writes as before


def test_compact_merges_a_loaded_index_to_a_few_segments(elastic: ElasticStore) -> None:
    from index.es_segments import MERGED_SEGMENTS

    _load_in_pieces(elastic, MERGED_SEGMENTS + 3)
    report = elastic.compact()
    assert report.segments_before is not None and report.segments_before > MERGED_SEGMENTS
    assert report.segments_after is not None and report.segments_after <= MERGED_SEGMENTS


def test_a_migration_merges_the_copy_before_searches_meet_it(
    elastic: ElasticStore, es_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.es_migration as es_migration
    from index.es_segments import MERGED_SEGMENTS, segment_count

    client = elastic.client
    items = _load_in_pieces(elastic, MERGED_SEGMENTS + 3)
    monkeypatch.setattr(es_migration, "COPY_BATCH", 10)  # a refreshed segment per batch
    seen: list[int] = []

    def count_copy() -> None:
        live = es_migration.live_index(client, elastic.names.items_alias)
        seen.extend(segment_count(client, name)
                    for name in client.indices.get(index=f"{es_prefix}-items-v*") if name != live)

    report = es_migration.migrate_items(client, elastic.names, on_copied=count_copy)
    assert report.copied == len(items)
    assert seen and seen[0] > MERGED_SEGMENTS  # what a search would have met
    assert report.segments is not None and report.segments[0] == seen[0]
    assert segment_count(client, report.target) <= MERGED_SEGMENTS
    assert list(client.indices.get_alias(name=elastic.names.items_alias)) == [report.target]


def test_a_migration_tells_its_progress(elastic: ElasticStore, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    import index.es_migration as es_migration

    items = [make_item(f"https://progress.example/{n}", text=f"Tin số {n}") for n in range(7)]
    assert elastic.upsert(items).ok
    elastic.refresh()
    monkeypatch.setattr(es_migration, "PROGRESS_EVERY", 3)
    told: list[tuple[int, int]] = []
    report = elastic.migrate(progress=lambda copied, total: told.append((copied, total)))
    assert report.copied == 7
    assert told == [(3, 7), (6, 7), (7, 7)]


def test_an_index_from_the_older_schema_is_reported_and_migrated_to_phrase_terms(
    es_url: str, es_prefix: str, tmp_path: Path
) -> None:
    """Schema 3 indexes syllable pairs of the phrase fields (``index_phrases``), so a two-word
    phrase is one term. An index made by schema 2 cannot gain that in place: the store opens
    it, says so, searches it alike, and a migration rebuilds it."""
    import copy

    from elasticsearch import Elasticsearch

    from index.es_schema import IndexNames, load_schema

    older = copy.deepcopy(load_schema("items"))
    older["mappings"]["_meta"]["schema_version"] = 2
    older["settings"].pop("queries", None)
    for spec in older["mappings"]["properties"].values():
        spec.pop("index_phrases", None)
    names = IndexNames(es_prefix)
    client = Elasticsearch(es_url)
    client.indices.create(index=f"{es_prefix}-items-v1", mappings=older["mappings"],
                          settings={**older["settings"], "number_of_replicas": 0},
                          aliases={names.items_alias: {"is_write_index": True}})
    settings = Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix)
    store = open_store(settings)
    assert isinstance(store, ElasticStore) and store.items_schema_behind
    items = _items()
    assert store.upsert(items).ok
    store.refresh()
    query = SearchQuery(text="thuy dien", sort="relevance")
    before = [hit.stored.id for hit in store.search(query).hits]
    assert len(before) == 2

    report = store.migrate()
    store.close()
    store = open_store(settings)
    assert isinstance(store, ElasticStore) and not store.items_schema_behind
    mapping = client.indices.get_mapping(index=report.target)[report.target]["mappings"]
    phrase_fields = {name for name, spec in mapping["properties"].items()
                     if spec.get("index_phrases")}
    assert phrase_fields == {"search_title", "search_title_folded", "search_body",
                             "search_body_folded"}
    # and no node query cache on it: filling it with a dense text clause costs a pass over
    # every item, more than it saves (bench/README.md)
    settings_now = client.indices.get_settings(index=report.target)[report.target]["settings"]
    assert settings_now["index"]["queries"]["cache"]["enabled"] == "false"
    assert [hit.stored.id for hit in store.search(query).hits] == before
    profiled = client.search(index=names.items_alias, profile=True,
                             query={"match_phrase": {"search_body_folded": "thuy dien"}})
    described = str(profiled["profile"]["shards"][0]["searches"][0]["query"])
    assert "search_body_folded._index_phrase:thuy dien" in described
    store.close()
    client.close()

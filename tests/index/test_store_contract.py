"""One contract, two stores: every test here runs on SQLite and on a real Elasticsearch node."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.records import ReviewVerdict
from index.query import SearchQuery
from index.store import ItemStore
from tests.factories import make_item


def _corpus() -> list:
    return [
        make_item(
            "https://baomoi.example/thuy-dien-hoa-binh.html",
            title="Thủy điện Hòa Bình mở thêm cửa xả đáy",
            text="Công ty thủy điện thông báo mở cửa xả lúc 14 giờ, người dân hạ du chú ý.",
            label="none",
            score=0.91,
            source_id="vnexpress",
            published=datetime(2026, 10, 1, 7, 0, tzinfo=UTC),
        ),
        make_item(
            "https://mxh.example/post/1",
            title="",
            text="KHẨN: đập thủy điện đã nứt, 2 tiếng nữa nước về, chia sẻ gấp!",
            label="disaster_hoax",
            score=0.88,
            source_id="facebook-pages",
            published=datetime(2026, 10, 5, 22, 0, tzinfo=UTC),
        ),
        make_item(
            "https://mxh.example/post/2",
            text="Xe điện gây ô nhiễm gấp mười lần xe xăng.",
            label="solution_myth",
            score=0.35,
            source_id="facebook-pages",
            published=datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
        ),
        make_item(
            "https://tuoitre.example/gia-vang.html",
            title="Giá vàng hôm nay giảm mạnh",
            text="Giá vàng miếng giảm 500.000 đồng mỗi lượng.",
            label="irrelevant",
            score=0.97,
            source_id="tuoitre",
            published=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        ),
    ]


def test_ensure_schema_is_safe_to_rerun(store: ItemStore) -> None:
    store.upsert(_corpus()[:1])
    store.refresh()
    store.ensure_schema()
    store.ensure_schema()
    assert store.count() == 1


def test_upsert_by_deterministic_id_never_duplicates(store: ItemStore) -> None:
    items = _corpus()
    first = store.upsert(items)
    assert first.ok and len(first.written) == 4
    store.upsert(items)
    store.upsert(_corpus())  # rebuilt values, same URLs, same ids
    store.refresh()
    assert store.count() == 4


def test_get_round_trips_the_record(store: ItemStore) -> None:
    item = _corpus()[0]
    store.upsert([item])
    got = store.get(item.id)
    assert got is not None
    assert got.indexed.item == item.item
    assert got.indexed.classification == item.classification
    assert got.verdict is None
    assert store.get("no-such-id") is None


def test_folded_search_finds_words_written_with_diacritics(store: ItemStore) -> None:
    store.upsert(_corpus())
    store.refresh()
    result = store.search(SearchQuery(text="thuy dien"))
    assert result.total == 2
    ids = {hit.stored.id for hit in result.hits}
    assert ids == {_corpus()[0].id, _corpus()[1].id}


def test_exact_search_keeps_diacritics(store: ItemStore) -> None:
    store.upsert(_corpus())
    store.refresh()
    assert store.search(SearchQuery(text="thủy điện", exact=True)).total == 2
    assert store.search(SearchQuery(text="thuy dien", exact=True)).total == 0
    # "Hòa" written as in the title, versus a different word that folds the same way.
    assert store.search(SearchQuery(text="Hòa Bình", exact=True)).total == 1
    assert store.search(SearchQuery(text="hoa binh")).total == 1


def test_highlights_mark_words_as_written_and_escape_markup(store: ItemStore) -> None:
    item = make_item(
        "https://x.example/xss",
        title="Thủy điện <script>alert(1)</script>",
        text="Tin về thủy điện <img src=x onerror=alert(1)>",
    )
    store.upsert([item])
    store.refresh()
    hit = store.search(SearchQuery(text="thuy dien")).hits[0]
    title = hit.highlights["title"][0]
    assert "<mark>Thủy điện</mark>" in title  # the word is marked whole
    assert "<script>" not in title and "&lt;script&gt;" in title
    assert "<img" not in hit.highlights["text"][0]


def test_filters_label_flagged_source_and_dates(store: ItemStore) -> None:
    store.upsert(_corpus())
    store.refresh()
    assert store.search(SearchQuery(labels=("disaster_hoax",))).total == 1
    assert store.search(SearchQuery(flagged=True)).total == 1  # the 0.35 myth is not flagged
    assert store.search(SearchQuery(sources=("facebook-pages",))).total == 2
    october = SearchQuery(
        date_from=datetime(2026, 10, 1, tzinfo=UTC), date_to=datetime(2026, 10, 31, tzinfo=UTC)
    )
    assert store.search(october).total == 3
    both = SearchQuery(text="thuy dien", sources=("facebook-pages",))
    assert [hit.stored.id for hit in store.search(both).hits] == [_corpus()[1].id]


def test_sorting_and_paging(store: ItemStore) -> None:
    store.upsert(_corpus())
    store.refresh()
    by_score = [hit.stored.indexed.classification.score for hit in store.search(
        SearchQuery(sort="score")).hits]
    assert by_score == sorted(by_score, reverse=True)
    recent = store.search(SearchQuery(sort="recency", size=2))
    assert recent.total == 4 and len(recent.hits) == 2
    assert recent.hits[0].stored.id == _corpus()[3].id
    rest = store.search(SearchQuery(sort="recency", offset=2, size=2))
    assert {h.stored.id for h in rest.hits}.isdisjoint({h.stored.id for h in recent.hits})


def test_count_by_label(store: ItemStore) -> None:
    store.upsert(_corpus())
    store.refresh()
    assert store.count_by_label() == {
        "none": 1, "disaster_hoax": 1, "solution_myth": 1, "irrelevant": 1
    }
    assert store.count_by_label(SearchQuery(sources=("facebook-pages",))) == {
        "disaster_hoax": 1, "solution_myth": 1
    }


def test_reindex_never_overwrites_a_verdict(store: ItemStore) -> None:
    item = _corpus()[1]
    store.upsert([item])
    verdict = ReviewVerdict(
        item_id=item.id, verdict="confirmed", label="disaster_hoax", note="Đã xác minh với EVN",
        evidence=["https://evn.example/bac-bo"], reviewer="reviewer1",
    )
    store.record_verdict(verdict)
    store.upsert([item])  # the nightly run sees the same item again
    store.refresh()
    got = store.get(item.id)
    assert got is not None and got.verdict is not None
    assert got.verdict.verdict == "confirmed" and got.verdict.note == "Đã xác minh với EVN"
    assert store.search(SearchQuery(review_status="confirmed")).total == 1
    assert store.search(SearchQuery(review_status="unreviewed")).total == 0


def test_verdict_history_keeps_every_verdict(store: ItemStore) -> None:
    item = _corpus()[2]
    store.upsert([item])
    store.record_verdict(ReviewVerdict(item_id=item.id, verdict="needs_expert", reviewer="a"))
    store.record_verdict(
        ReviewVerdict(item_id=item.id, verdict="confirmed", label="solution_myth", reviewer="b")
    )
    history = store.verdict_history(item.id)
    assert [v.verdict for v in history] == ["needs_expert", "confirmed"]
    got = store.get(item.id)
    assert got is not None and got.verdict is not None and got.verdict.reviewer == "b"


def test_verdict_on_unknown_item_is_refused(store: ItemStore) -> None:
    with pytest.raises(KeyError):
        store.record_verdict(ReviewVerdict(item_id="missing", verdict="confirmed", reviewer="a"))

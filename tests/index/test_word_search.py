"""Vietnamese word search, one behaviour on both stores (issue 13).

Items are cut into words by underthesea, as the nightly job does (``models.enrich``), so
"điện gió" (wind power) is a word of the items that talk about it while "tiền điện giờ cao
điểm" (peak-hour electricity price) holds the same syllables without diacritics and no such
word. Every test runs on SQLite and on the Elasticsearch node.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.records import Enrichment, IndexedItem
from index.query import SearchQuery
from index.store import ItemStore
from nlp.normalize import normalize_text
from nlp.segment import joined, segment_words
from tests.factories import make_item


def segmented(item: IndexedItem) -> IndexedItem:
    """The item with its title and text cut into words by underthesea."""
    title = joined(segment_words(normalize_text(item.item.title)))
    body = joined(segment_words(normalize_text(item.item.text)))
    return item.model_copy(
        update={"enrichment": Enrichment(title_words=title, body_words=body)}
    )


def _at(day: int) -> datetime:
    return datetime(2026, 5, 1, 3, 0, tzinfo=UTC) + timedelta(days=day)


WIND = [
    make_item("https://a.example/gio-1", title="Nhà máy điện gió Bạc Liêu vận hành thêm tua-bin",
              text="Nhà máy điện gió ven biển phát thêm điện lên lưới quốc gia.",
              published=_at(1)),
    make_item("https://a.example/gio-2", title="Dự án điện gió ngoài khơi được khảo sát",
              text="Các chuyên gia khảo sát vùng biển cho dự án điện gió ngoài khơi.",
              published=_at(2)),
    make_item("https://mxh.example/gio-3", title="",
              text="Điện gió làm chết cá ven biển, ai thấy thì chia sẻ ngay!",
              label="solution_myth", score=0.8, published=_at(3)),
]
HOUR = [
    make_item("https://b.example/gio-cao-diem", title="Tiền điện giờ cao điểm tăng từ tháng 5",
              text="Điện lực cho biết giá điện giờ cao điểm áp dụng từ 17 giờ.",
              published=_at(4)),
    make_item("https://b.example/cat-dien", title="Lịch cắt điện giờ trưa ở Hà Nội",
              text="Điện lực Hà Nội cắt điện từ 11 giờ đến 14 giờ để bảo trì.",
              published=_at(5)),
    make_item("https://b.example/gio-mua", title="Điện lực sẵn sàng ứng phó gió mùa",
              text="Gió mạnh cấp 6, điện lực các tỉnh chuẩn bị phương án.", published=_at(6)),
]


def _ids(store: ItemStore, text: str, *, exact: bool = False) -> list[str]:
    found = store.search(SearchQuery(text=text, exact=exact, size=50))
    assert found.total == len(found.hits)
    return [hit.stored.id for hit in found.hits]


def test_dien_gio_finds_wind_power_not_hours(store: ItemStore) -> None:
    """The README's example: "dien gio" and "điện gió" are wind power, typed either way."""
    store.upsert([segmented(item) for item in WIND + HOUR])
    store.refresh()
    wind = {item.id for item in WIND}
    for typed in ("dien gio", "điện gió", "Điện Gió"):
        assert set(_ids(store, typed)) == wind, typed
    # Diacritics help without "Khớp đúng dấu": typed as "điện giờ" (hour), the two items
    # saying "điện giờ" come first in a folded search, before any item about wind.
    ranked = _ids(store, "điện giờ")
    assert set(ranked[:2]) == {item.id for item in HOUR[:2]}
    assert wind <= set(ranked[2:])
    assert set(_ids(store, "điện gió", exact=True)) == wind


def test_tone_mark_placement_never_matters(store: ItemStore) -> None:
    """Exact search for "thuỷ điện" finds what "thủy điện" finds (also hoà/hòa, khoẻ/khỏe)."""
    old = make_item("https://c.example/cu", title="Thủy điện Hòa Bình xả lũ",
                    text="Người dân hạ du vẫn khỏe mạnh.", published=_at(1))
    new = make_item("https://c.example/moi", title="Thuỷ điện Hoà Bình mở cửa xả",
                    text="Bà con hạ du khoẻ, không ai bị thương.", published=_at(2))
    # A social post never normalised, with its words as typed.
    raw = make_item("https://mxh.example/thuy", title="",
                    text="thuỷ điện sông Đà có khoẻ không?", published=_at(3)).model_copy(
        update={"enrichment": Enrichment(body_words="thuỷ_điện sông đà có khoẻ không ?")}
    )
    store.upsert([segmented(old), segmented(new), raw])
    store.refresh()
    every = {old.id, new.id, raw.id}
    for exact in (True, False):
        for text in ("thuỷ điện", "thủy điện", "THUỶ ĐIỆN"):
            assert set(_ids(store, text, exact=exact)) == every, (text, exact)
        for text in ("hoà bình", "hòa bình"):
            assert set(_ids(store, text, exact=exact)) == {old.id, new.id}, (text, exact)
        for text in ("khoẻ", "khỏe"):
            assert set(_ids(store, text, exact=exact)) == every, (text, exact)
    assert _ids(store, "thuy dien", exact=True) == []


def test_words_split_across_fields_match_and_rank_below_a_title_phrase(store: ItemStore) -> None:
    """Every word in the item counts, title or body; Elasticsearch used to want them in one
    field. A phrase in the title ranks first."""
    split = make_item("https://d.example/tach", title="Điện gió ven biển",
                      text="Tỉnh Bạc Liêu cấp phép thêm hai nhà máy.", published=_at(9))
    title = make_item("https://d.example/tieu-de", title="Điện gió Bạc Liêu lập kỷ lục",
                      text="Sản lượng tháng này cao nhất từ trước tới nay.", published=_at(1))
    body = make_item("https://d.example/than-bai", title="Tin năng lượng trong tuần",
                     text="Điện gió Bạc Liêu phát điện ổn định.", published=_at(5))
    lead = make_item("https://d.example/sapo", title="Bạc Liêu đón nhà đầu tư",
                     text="Nhà máy khởi công tháng sau.", lead="Dự án điện gió thứ ba.",
                     published=_at(3))
    store.upsert([segmented(i) for i in (split, title, body, lead)])
    store.refresh()
    ranked = _ids(store, "dien gio bac lieu")
    assert set(ranked) == {split.id, title.id, body.id, lead.id}
    assert ranked[0] == title.id  # the whole query as a phrase in the title
    assert ranked[1] == body.id  # the whole query as a phrase in the body
    assert store.count(SearchQuery(text="điện gió bạc liêu")) == 4


def test_both_stores_rank_alike_with_ties_broken_by_date_then_id(store: ItemStore) -> None:
    """Equal relevance: the newer item first, then the smaller id; never the store's mood."""
    same = [
        make_item(f"https://e.example/{n}", title="Điện gió", text="Tin ngắn.",
                  published=_at(n % 3))
        for n in range(9)
    ]
    store.upsert([segmented(i) for i in same])
    store.refresh()
    expected = sorted(same, key=lambda i: (-(i.item.published.timestamp()), i.id))
    assert _ids(store, "dien gio") == [i.id for i in expected]


def test_counts_beyond_fifty_labels_and_a_hundred_copies(store: ItemStore) -> None:
    """No store caps a count: 121 items of one label, 120 copies of one story, 60 sources."""
    first = make_item("https://f.example/goc", text="Bản gốc", label="disaster_hoax",
                      score=0.9, published=_at(0))
    copies = [
        make_item(f"https://f.example/ban-sao-{n}", text=f"Bản sao {n}", label="disaster_hoax",
                  score=0.9, source_id=f"nguon-{n % 60:02d}", duplicate_of=first.id,
                  published=_at(0) + timedelta(minutes=n + 1))
        for n in range(120)
    ]
    others = [make_item(f"https://f.example/khac-{n}", text="Tin khác", label="none")
              for n in range(10)]
    assert store.upsert([first, *copies, *others]).ok
    store.refresh()
    assert store.count_by_label() == {"disaster_hoax": 121, "none": 10}
    listed = store.copies_of(first.id)
    assert [s.id for s in listed] == [c.id for c in copies]  # oldest first, all 120
    assert len(store.copies_of(copies[0].id)) == 120  # the first copy and 119 others
    sources = store.aggregate(SearchQuery(story=first.id), by="source", size=100)
    assert len(sources) == 61 and sum(sources.values()) == 121


def test_scan_is_consistent_while_writes_arrive(store: ItemStore) -> None:
    """A scan sees the store as it was when it started: items written, re-scored or deleted
    meanwhile neither appear, move nor vanish, and no item comes twice."""
    items = [
        make_item(f"https://g.example/{n}", text=f"Thủy điện tin {n}", score=(n + 1) / 1000,
                  published=_at(n % 20))
        for n in range(300)
    ]
    assert store.upsert(items).ok
    store.refresh()
    expected = [s.id for s in store.scan(SearchQuery(text="thuy dien", sort="score"))]
    assert len(expected) == 300
    scan = store.scan(SearchQuery(text="thuy dien", sort="score"), batch=40)
    seen = [next(scan).id for _ in range(100)]
    # Meanwhile: 200 new items that would sort first, the scanned items re-scored to sort last.
    newcomers = [
        make_item(f"https://g.example/new-{n}", text=f"Thủy điện mới {n}", score=0.999)
        for n in range(200)
    ]
    rescored = [
        make_item(f"https://g.example/{n}", text=f"Thủy điện tin {n}", score=0.0001,
                  published=_at(n % 20))
        for n in range(300)
    ]
    assert store.upsert(newcomers + rescored).ok
    store.refresh()
    seen += [stored.id for stored in scan]
    assert seen == expected
    assert store.count(SearchQuery(text="thuy dien")) == 500


def test_an_id_given_twice_in_one_upsert_is_written_once_last_version_wins(
    store: ItemStore,
) -> None:
    before = make_item("https://h.example/1", title="Bản đầu", text="Nội dung cũ")
    other = make_item("https://h.example/2", title="Tin khác")
    after = make_item("https://h.example/1", title="Bản sửa", text="Nội dung mới")
    report = store.upsert([before, other, after])
    assert report.ok and not report.dead_lettered
    assert set(report.written) == {before.id, other.id}
    store.refresh()
    assert store.count() == 2
    stored = store.get(before.id)
    assert stored is not None and stored.indexed.item.title == "Bản sửa"
    assert store.dead_letters() == []

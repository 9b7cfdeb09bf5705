"""A corrected article in the store: the earlier version is kept, the verdict stays, and a
material change puts a reviewed item back in the review queue. Both stores, through the spool."""

from __future__ import annotations

from pathlib import Path

from core.records import IndexedItem, ReviewVerdict
from index.query import SearchQuery
from index.revisions import is_material, word_diff
from index.spool import Spool
from index.store import ItemStore
from tests.factories import make_item

URL = "https://baodiaphuong.example/ca-chet-song-buoi-1000077.html"
TITLE = "Cá chết hàng loạt trên sông Bưởi"
ORIGINAL = ("Sáng 3/12, người dân xã Thành Hưng phát hiện cá chết trắng một đoạn sông dài khoảng "
            "hai cây số. Nhiều hộ nuôi cá lồng thiệt hại nặng. Người dân cho rằng nước thải của "
            "nhà máy giấy đầu nguồn là nguyên nhân, nhưng cơ quan chức năng chưa có kết luận.")
TYPO_FIXED = ORIGINAL.replace("thiệt hại nặng", "thiệt hại nặng nề")
CORRECTED = ORIGINAL.replace(
    "Người dân cho rằng nước thải của nhà máy giấy đầu nguồn là nguyên nhân, nhưng cơ quan chức "
    "năng chưa có kết luận.",
    "Kết quả quan trắc cho thấy cá chết do nước sông thiếu ô-xy sau mưa lớn, không phải do nhà "
    "máy giấy xả thải.")


def _version(text: str, version: int, previous: str | None = None) -> IndexedItem:
    return make_item(URL, title=TITLE, text=text, label="health_pollution", score=0.8,
                     content_hash=f"hash-{version}-{len(text)}", version=version,
                     previous_hash=previous)


def _flush(store: ItemStore, spool_dir: Path, name: str, item: IndexedItem) -> None:
    spool = Spool(spool_dir)
    spool.flush(store, spool.put(name, [item]))
    store.refresh()


def _queue(store: ItemStore) -> set[str]:
    return {hit.stored.id for hit in store.search(SearchQuery(review_status="unreviewed")).hits}


def test_a_material_correction_keeps_the_verdict_and_requeues_the_item(
        store: ItemStore, tmp_path: Path) -> None:
    first = _version(ORIGINAL, 1)
    _flush(store, tmp_path, "night-1", first)
    verdict = ReviewVerdict(item_id=first.id, verdict="confirmed", label="health_pollution",
                            note="Đã đối chiếu với Sở TN&MT", reviewer="reviewer1")
    store.record_verdict(verdict)
    store.refresh()
    assert first.id not in _queue(store)

    second = _version(CORRECTED, 2, previous=first.item.content_hash)
    _flush(store, tmp_path, "night-2", second)
    _flush(store, tmp_path, "night-2-again", second)  # written twice: still one revision
    got = store.get(first.id)
    assert got is not None and got.verdict is not None
    assert got.verdict.verdict == "confirmed" and got.verdict.note == "Đã đối chiếu với Sở TN&MT"
    assert got.indexed.item.text == CORRECTED and got.indexed.item.version == 2
    assert [(r.version, r.text) for r in got.indexed.revisions] == [(1, ORIGINAL)]
    assert got.indexed.edited_after_review
    assert first.id in _queue(store)
    assert store.search(SearchQuery(review_status="confirmed")).total == 1

    # The reviewer looks again and records a verdict: the item leaves the queue.
    store.record_verdict(verdict.model_copy(update={"verdict": "not_misleading", "label": None,
                                                    "note": "Bài đã đính chính"}))
    store.refresh()
    assert first.id not in _queue(store)
    again = store.get(first.id)
    assert again is not None and not again.indexed.edited_after_review
    assert len(again.indexed.revisions) == 1


def test_a_typo_fix_is_kept_as_a_version_but_not_requeued(store: ItemStore,
                                                          tmp_path: Path) -> None:
    first = _version(ORIGINAL, 1)
    _flush(store, tmp_path, "night-1", first)
    store.record_verdict(ReviewVerdict(item_id=first.id, verdict="confirmed",
                                       label="health_pollution", reviewer="reviewer1"))
    _flush(store, tmp_path, "night-2", _version(TYPO_FIXED, 2, first.item.content_hash))
    got = store.get(first.id)
    assert got is not None and [r.version for r in got.indexed.revisions] == [1]
    assert not got.indexed.edited_after_review and first.id not in _queue(store)


def test_an_unreviewed_item_that_changes_just_stays_in_the_queue(store: ItemStore,
                                                                 tmp_path: Path) -> None:
    first = _version(ORIGINAL, 1)
    _flush(store, tmp_path, "night-1", first)
    _flush(store, tmp_path, "night-2", _version(CORRECTED, 2, first.item.content_hash))
    got = store.get(first.id)
    assert got is not None and not got.indexed.edited_after_review
    assert first.id in _queue(store)


def test_what_counts_as_material() -> None:
    assert not is_material(TITLE, ORIGINAL, TITLE, TYPO_FIXED)
    assert is_material(TITLE, ORIGINAL, TITLE, CORRECTED)
    assert is_material(TITLE, ORIGINAL, TITLE, ORIGINAL.replace("hai cây số", "3 cây số"))
    assert is_material(TITLE, ORIGINAL, "Cá chết do thiếu ô-xy", ORIGINAL)
    assert is_material(TITLE, ORIGINAL, TITLE, ORIGINAL.replace("Sáng 3/12", "Sáng 4/12"))


def test_the_difference_reads_as_removed_and_added_words() -> None:
    runs = word_diff("Cá chết do nhà máy xả thải.", "Cá chết do thiếu ô-xy.")
    assert runs == [("equal", "Cá chết do "), ("delete", "nhà máy xả thải."),
                    ("insert", "thiếu ô-xy.")]
    assert "".join(text for op, text in runs if op != "delete") == "Cá chết do thiếu ô-xy."

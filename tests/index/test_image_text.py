"""Text read from an item's images is stored with its provenance and found by search, folded
or exact, on both stores (issue 15)."""

from __future__ import annotations

from core.records import ItemImage
from index.query import SearchQuery
from index.store import ItemStore
from tests.factories import make_item


def test_image_text_is_kept_and_searchable(store: ItemStore) -> None:
    notice = ItemImage(n=1, url="https://cdn.example/a.png", sha256="ab" * 32,
                       media_type="image/png", width=800, height=600,
                       thumbnail="data:image/jpeg;base64,AAAA",
                       text="Hộ dùng quá 400 kWh mỗi tháng sẽ bị cắt điện luân phiên.",
                       ocr_status="read", ocr_seconds=0.7)
    post = make_item("https://mxh.example/p/anh", title="", text="", label="fabricated_policy",
                     images=[notice])
    other = make_item("https://mxh.example/p/khac", text="Điện mặt trời mái nhà ở Cao Bằng.")
    store.upsert([post, other])
    store.refresh()
    stored = store.get(post.id)
    assert stored is not None and stored.indexed.item.images == [notice]
    for query in (SearchQuery(text="cat dien luan phien"),
                  SearchQuery(text="cắt điện luân phiên", exact=True)):
        assert [hit.stored.id for hit in store.search(query).hits] == [post.id]

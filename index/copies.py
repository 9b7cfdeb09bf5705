"""Other copies of one story, found the same way in every store."""

from __future__ import annotations

from typing import Final

from index.query import SearchQuery, StoredItem
from index.store import ItemStore

#: A story's copies are read with one search when there are at most this many (nearly always);
#: more are read with ``scan``, which costs a point in time and a request per batch.
ONE_SEARCH: Final[int] = 100


def copies_of(
    store: ItemStore, item_id: str, *, known: StoredItem | None = None
) -> list[StoredItem]:
    """Every other item of the item's story (the first copy and its duplicates), oldest first,
    however many there are. ``known``: the item, when the caller has read it already."""
    found = known if known is not None and known.id == item_id else store.get(item_id)
    if found is None:
        return []
    root = found.indexed.item.duplicate_of or item_id
    query = SearchQuery(story=root, sort="oldest", size=ONE_SEARCH)
    first = store.search(query)
    story = (
        [hit.stored for hit in first.hits] if first.total <= ONE_SEARCH
        else list(store.scan(query))
    )
    return [stored for stored in story if stored.id != item_id]

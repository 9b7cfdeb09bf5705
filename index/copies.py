"""Other copies of one story, found the same way in every store."""

from __future__ import annotations

from index.query import SearchQuery, StoredItem
from index.store import ItemStore


def copies_of(store: ItemStore, item_id: str) -> list[StoredItem]:
    """Every other item of the item's story (the first copy and its duplicates), oldest first,
    however many there are."""
    found = store.get(item_id)
    if found is None:
        return []
    root = found.indexed.item.duplicate_of or item_id
    return [
        stored for stored in store.scan(SearchQuery(story=root, sort="oldest"))
        if stored.id != item_id
    ]

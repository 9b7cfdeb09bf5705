"""Open the configured store: Elasticsearch when ``KIEMCHUNG_ES_URL`` is set, else SQLite."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.settings import Settings
from index.store import ItemStore


def open_store(settings: Settings) -> ItemStore:
    """The configured store, its schema ensured."""
    store: ItemStore
    if settings.uses_elasticsearch:
        from index.es_schema import IndexLayout
        from index.es_store import ElasticStore, client_from_settings

        store = ElasticStore(
            client_from_settings(settings), prefix=settings.index_prefix,
            layout=IndexLayout(shards=settings.es_shards, replicas=settings.es_replicas),
            zone=ZoneInfo(settings.timezone),
        )
    else:
        from index.sqlite_store import SqliteStore

        store = SqliteStore(settings.sqlite_path, zone=ZoneInfo(settings.timezone))
    store.ensure_schema()
    return store
